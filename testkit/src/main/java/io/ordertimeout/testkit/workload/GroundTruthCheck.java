package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares the contract tables row by row with an {@link ExpectedOutcome}: every unpaid order
 * CLOSED exactly once (close_reason PAYMENT_TIMEOUT, closed_at set, one audit row with the right
 * deadline), no paid or cancelled order closed, exactly the expected refunds and no others.
 * Immutable; configure with the {@code with...} methods.
 */
public final class GroundTruthCheck {

    public static final String CLOSE_REASON = "PAYMENT_TIMEOUT";

    private final int reportedMismatches;
    private final boolean checkDeadLetterTable;

    public GroundTruthCheck() {
        this(20, false);
    }

    private GroundTruthCheck(int reportedMismatches, boolean checkDeadLetterTable) {
        this.reportedMismatches = reportedMismatches;
        this.checkDeadLetterTable = checkDeadLetterTable;
    }

    /** How many mismatches the report lists in full (all are counted). Default 20. */
    public GroundTruthCheck withReportedMismatches(int count) {
        return new GroundTruthCheck(count, checkDeadLetterTable);
    }

    /**
     * Also require order_event_dead_letter to hold exactly the expected number of distinct
     * payloads (for jobs configured to write dead letters to the database). Default off.
     */
    public GroundTruthCheck withDeadLetterTable(boolean check) {
        return new GroundTruthCheck(reportedMismatches, check);
    }

    public GroundTruthReport check(Connection connection, ExpectedOutcome expected) throws SQLException {
        return compare(DatabaseSnapshot.read(connection), expected);
    }

    public GroundTruthReport compare(DatabaseSnapshot snapshot, ExpectedOutcome expected) {
        Comparison comparison = new Comparison(snapshot, expected);
        comparison.run();
        return comparison.report();
    }

    private final class Comparison {
        private final DatabaseSnapshot snapshot;
        private final ExpectedOutcome expected;
        private final List<Mismatch> first = new ArrayList<>();
        private final Set<String> wrongOrders = new HashSet<>();
        private final Map<Category, Integer> wrongPerCategory = new EnumMap<>(Category.class);
        private final Map<String, List<DatabaseSnapshot.AuditRow>> auditsByOrder = new HashMap<>();
        private final Map<String, List<DatabaseSnapshot.RefundRow>> refundsByOrder = new HashMap<>();
        private final Map<String, Integer> actualStatusCounts = new LinkedHashMap<>();
        private final List<Long> lateness = new ArrayList<>();
        private int mismatchCount;
        private int actualAudits;

        Comparison(DatabaseSnapshot snapshot, ExpectedOutcome expected) {
            this.snapshot = snapshot;
            this.expected = expected;
            for (DatabaseSnapshot.AuditRow row : snapshot.audits()) {
                auditsByOrder.computeIfAbsent(row.orderId(), id -> new ArrayList<>()).add(row);
            }
            for (DatabaseSnapshot.RefundRow row : snapshot.refunds()) {
                refundsByOrder.computeIfAbsent(row.orderId(), id -> new ArrayList<>()).add(row);
            }
        }

        void run() {
            Map<String, List<ExpectedRefund>> expectedRefunds = new HashMap<>();
            for (ExpectedRefund refund : expected.refunds()) {
                expectedRefunds.computeIfAbsent(refund.orderId(), id -> new ArrayList<>()).add(refund);
            }
            for (ExpectedOrder order : expected.orders().values()) {
                checkOrderRow(order);
                checkAudit(order);
                checkRefunds(order, expectedRefunds.getOrDefault(order.orderId(), List.of()));
            }
            for (String orderId : auditsByOrder.keySet()) {
                if (expected.order(orderId) == null) {
                    mismatch(orderId, null, "audit row for an order that is not part of the workload");
                }
            }
            for (Map.Entry<String, List<DatabaseSnapshot.RefundRow>> entry : refundsByOrder.entrySet()) {
                if (expected.order(entry.getKey()) == null) {
                    mismatch(entry.getKey(), null, "refund for an order that is not part of the workload: "
                            + entry.getValue());
                }
            }
            if (checkDeadLetterTable) {
                Integer found = snapshot.distinctDeadLetterPayloads();
                if (found == null) {
                    mismatch("-", null, "dead-letter table order_event_dead_letter does not exist");
                } else if (found != expected.deadLetters()) {
                    mismatch("-", null, "dead letters: " + found + " distinct payloads, expected "
                            + expected.deadLetters());
                }
            }
        }

        private void checkOrderRow(ExpectedOrder order) {
            DatabaseSnapshot.OrderRow row = snapshot.orders().get(order.orderId());
            if (row == null) {
                actualStatusCounts.merge("<missing>", 1, Integer::sum);
                mismatch(order, "no row in orders");
                return;
            }
            actualStatusCounts.merge(String.valueOf(row.status()), 1, Integer::sum);
            if (!order.finalStatus().name().equals(row.status())) {
                mismatch(order, "status " + row.status() + ", expected " + order.finalStatus() + explain(order, row));
                return;
            }
            if (order.finalStatus() == OrderRowStatus.CLOSED) {
                if (!CLOSE_REASON.equals(row.closeReason())) {
                    mismatch(order, "close_reason " + row.closeReason() + ", expected " + CLOSE_REASON);
                }
                if (row.closedAt() == null) {
                    mismatch(order, "closed but closed_at is NULL");
                }
            } else if (row.closeReason() != null || row.closedAt() != null) {
                mismatch(order, "not closed but close_reason=" + row.closeReason() + " closed_at=" + row.closedAt());
            }
        }

        private String explain(ExpectedOrder order, DatabaseSnapshot.OrderRow row) {
            if (order.finalStatus() == OrderRowStatus.CLOSED && "PENDING_PAYMENT".equals(row.status())) {
                return " (unpaid order never closed)";
            }
            if ("CLOSED".equals(row.status())) {
                return " (closed although " + order.finalStatus().name().toLowerCase(java.util.Locale.ROOT) + ")";
            }
            return "";
        }

        private void checkAudit(ExpectedOrder order) {
            List<DatabaseSnapshot.AuditRow> rows = auditsByOrder.getOrDefault(order.orderId(), List.of());
            actualAudits += rows.size();
            for (DatabaseSnapshot.AuditRow row : rows) {
                lateness.add(row.closeLatenessMillis());
            }
            switch (order.audit()) {
                case REQUIRED:
                    if (rows.size() != 1) {
                        mismatch(order, rows.size() + " audit rows in order_timeout_log, expected exactly 1");
                    }
                    rows.stream().filter(row -> !"APPLIED".equals(row.outcome())).forEach(row ->
                            mismatch(order, "audit outcome " + row.outcome() + ", expected APPLIED (the job closed it)"));
                    break;
                case FORBIDDEN:
                    if (!rows.isEmpty()) {
                        mismatch(order, rows.size() + " audit row(s) in order_timeout_log: the job decided to close a "
                                + order.finalStatus().name().toLowerCase(java.util.Locale.ROOT) + " order");
                    }
                    break;
                case ALLOWED:
                    if (rows.size() > 1) {
                        mismatch(order, rows.size() + " audit rows in order_timeout_log, expected at most 1");
                    }
                    // A legitimate decision that found the row no longer pending changed nothing.
                    rows.stream().filter(row -> !"NOT_PENDING".equals(row.outcome())).forEach(row ->
                            mismatch(order, "audit outcome " + row.outcome() + ", expected NOT_PENDING (the order ended "
                                    + order.finalStatus().name().toLowerCase(java.util.Locale.ROOT) + ")"));
                    break;
                default:
                    throw new IllegalStateException(order.audit().name());
            }
            for (DatabaseSnapshot.AuditRow row : rows) {
                if (!order.deadline().equals(row.deadline())) {
                    mismatch(order, "audit deadline " + row.deadline() + ", expected " + order.deadline());
                }
            }
        }

        private void checkRefunds(ExpectedOrder order, List<ExpectedRefund> wanted) {
            List<DatabaseSnapshot.RefundRow> rows = new ArrayList<>(
                    refundsByOrder.getOrDefault(order.orderId(), List.of()));
            for (ExpectedRefund refund : wanted) {
                DatabaseSnapshot.RefundRow match = rows.stream()
                        .filter(row -> Objects.equals(row.paymentId(), refund.paymentId()))
                        .findFirst().orElse(null);
                if (match == null) {
                    mismatch(order, "missing refund (payment " + refund.paymentId() + ", " + refund.reason() + ")");
                    continue;
                }
                rows.remove(match);
                if (!refund.accepts(match.reason())) {
                    mismatch(order, "refund reason " + match.reason() + ", expected " + refund.reason());
                }
            }
            for (DatabaseSnapshot.RefundRow extra : rows) {
                mismatch(order, "unexpected refund (payment " + extra.paymentId() + ", " + extra.reason() + ")"
                        + (wanted.isEmpty() ? "" : "; expected only " + wanted.size()));
            }
        }

        private void mismatch(ExpectedOrder order, String problem) {
            if (wrongOrders.add(order.orderId())) {
                wrongPerCategory.merge(order.category(), 1, Integer::sum);
            }
            record(new Mismatch(order.orderId(), order.category(), problem));
        }

        private void mismatch(String orderId, Category category, String problem) {
            record(new Mismatch(orderId, category, problem));
        }

        private void record(Mismatch mismatch) {
            mismatchCount++;
            if (first.size() < reportedMismatches) {
                first.add(mismatch);
            }
        }

        GroundTruthReport report() {
            int unknownRows = 0;
            for (String orderId : snapshot.orders().keySet()) {
                if (expected.order(orderId) == null) {
                    unknownRows++;
                }
            }
            long[] latenessMillis = lateness.stream().mapToLong(Long::longValue).toArray();
            return new GroundTruthReport(mismatchCount, first, expected.categoryCounts(), wrongPerCategory,
                    expected.statusCounts(), actualStatusCounts, expected.refunds().size(), countExpectedRefundRows(),
                    expected.auditOrderIds().size(), actualAudits, unknownRows, expected.deadLetters(),
                    checkDeadLetterTable ? snapshot.distinctDeadLetterPayloads() : null,
                    LatenessStats.of(latenessMillis));
        }

        private int countExpectedRefundRows() {
            int count = 0;
            for (String orderId : expected.orders().keySet()) {
                count += refundsByOrder.getOrDefault(orderId, List.of()).size();
            }
            return count;
        }
    }
}
