package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract tables (default names) as read at one moment: orders, order_timeout_log,
 * refund_request and, when it exists, the dead-letter table's counts.
 */
public final class DatabaseSnapshot {

    /** A row of {@code orders}; status is kept as text since a broken writer may store anything. */
    public record OrderRow(String orderId, String status, String closeReason, Instant closedAt, Instant createdAt) {}

    /** A row of {@code order_timeout_log}. */
    public record AuditRow(String orderId, Instant deadline, Instant closedAt, long latenessMs, String outcome) {
        /** closed_at − deadline, recomputed from the timestamps rather than trusted from lateness_ms. */
        public long closeLatenessMillis() {
            return closedAt.toEpochMilli() - deadline.toEpochMilli();
        }
    }

    /** A row of {@code refund_request}. */
    public record RefundRow(String orderId, String paymentId, String reason, Instant paidAt, Instant requestedAt) {}

    private final Map<String, OrderRow> orders;
    private final List<AuditRow> audits;
    private final List<RefundRow> refunds;
    private final Integer deadLetterRows;
    private final Integer distinctDeadLetterPayloads;

    public DatabaseSnapshot(Map<String, OrderRow> orders, List<AuditRow> audits, List<RefundRow> refunds,
            Integer deadLetterRows, Integer distinctDeadLetterPayloads) {
        this.orders = Collections.unmodifiableMap(new LinkedHashMap<>(orders));
        this.audits = List.copyOf(audits);
        this.refunds = List.copyOf(refunds);
        this.deadLetterRows = deadLetterRows;
        this.distinctDeadLetterPayloads = distinctDeadLetterPayloads;
    }

    public static DatabaseSnapshot read(Connection connection) throws SQLException {
        return read(connection, SqlFlavor.of(connection));
    }

    public static DatabaseSnapshot read(Connection connection, SqlFlavor flavor) throws SQLException {
        Map<String, OrderRow> orders = new LinkedHashMap<>();
        List<AuditRow> audits = new ArrayList<>();
        List<RefundRow> refunds = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT order_id, status, close_reason, closed_at, created_at FROM orders")) {
                while (rs.next()) {
                    OrderRow row = new OrderRow(rs.getString("order_id"), rs.getString("status"),
                            rs.getString("close_reason"), flavor.getTimestamp(rs, "closed_at"),
                            flavor.getTimestamp(rs, "created_at"));
                    orders.put(row.orderId(), row);
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT order_id, deadline, closed_at, lateness_ms, outcome FROM order_timeout_log")) {
                while (rs.next()) {
                    audits.add(new AuditRow(rs.getString("order_id"), flavor.getTimestamp(rs, "deadline"),
                            flavor.getTimestamp(rs, "closed_at"), rs.getLong("lateness_ms"), rs.getString("outcome")));
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT order_id, payment_id, reason, paid_at, requested_at FROM refund_request")) {
                while (rs.next()) {
                    refunds.add(new RefundRow(rs.getString("order_id"), rs.getString("payment_id"),
                            rs.getString("reason"), flavor.getTimestamp(rs, "paid_at"),
                            flavor.getTimestamp(rs, "requested_at")));
                }
            }
        }
        Integer deadLetterRows = null;
        Integer distinctPayloads = null;
        if (tableExists(connection, flavor, "order_event_dead_letter")) {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT COUNT(*), COUNT(DISTINCT payload) FROM order_event_dead_letter")) {
                rs.next();
                deadLetterRows = rs.getInt(1);
                distinctPayloads = rs.getInt(2);
            }
        }
        return new DatabaseSnapshot(orders, audits, refunds, deadLetterRows, distinctPayloads);
    }

    private static boolean tableExists(Connection connection, SqlFlavor flavor, String table) throws SQLException {
        // information_schema rather than "try and catch": a failed statement would abort an open
        // PostgreSQL transaction of the caller.
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                        + flavor.currentSchemaExpression() + " AND table_name = ?")) {
            statement.setString(1, table);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    public Map<String, OrderRow> orders() {
        return orders;
    }

    public List<AuditRow> audits() {
        return audits;
    }

    public List<RefundRow> refunds() {
        return refunds;
    }

    /** Rows of order_event_dead_letter, or null when the table does not exist. */
    public Integer deadLetterRows() {
        return deadLetterRows;
    }

    /** Distinct payloads in order_event_dead_letter (replays may repeat a row), or null without the table. */
    public Integer distinctDeadLetterPayloads() {
        return distinctDeadLetterPayloads;
    }
}
