package io.ordertimeout.testkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GroundTruthCheck against a real PostgreSQL: a correct final state passes, each kind of defect fails by name. */
class GroundTruthCheckPostgresTest {

    private static final SqlFlavor FLAVOR = SqlFlavor.POSTGRES;
    private static EmbeddedPostgresDatabase postgres;
    private static Connection connection;
    private static OrderWorkload workload;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgresDatabase.start();
        postgres.applySchema();
        connection = postgres.adminConnection();
        workload = OrderWorkload.generate(WorkloadSpec.builder().orderCount(2_000).seed(11).build());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void correctFinalState() throws SQLException {
        postgres.deleteAllRows();
        ReferenceOutcomeWriter.writeCorrectFinalState(connection, FLAVOR, workload);
    }

    @Test
    void correctFinalStatePasses() throws SQLException {
        GroundTruthReport report = new GroundTruthCheck().check(connection, workload.expected());

        assertThat(report.passed()).as(report.summary()).isTrue();
        report.assertPassed();
        ExpectedOutcome expected = workload.expected();
        assertThat(report.actualRefunds()).isEqualTo(expected.refunds().size()).isPositive();
        assertThat(report.actualAudits()).isEqualTo(expected.auditOrderIds().size()).isPositive();
        assertThat(report.actualStatusCounts().get("CLOSED")).isEqualTo(expected.auditOrderIds().size());
        assertThat(report.ordersPerCategory()).isEqualTo(expected.categoryCounts());
        assertThat(report.summary()).startsWith("Ground truth check PASS: 0 mismatch(es)");
        // Lateness was written as 1000 + (n mod 100) ms for the n-th closed order.
        LatenessStats lateness = report.lateness();
        assertThat(lateness.count()).isEqualTo(expected.auditOrderIds().size());
        assertThat(lateness.minMs()).isEqualTo(1000);
        assertThat(lateness.maxMs()).isEqualTo(1099);
        assertThat(lateness.p50Ms()).isBetween(1045L, 1055L);
        assertThat(lateness.p99Ms()).isBetween(1097L, 1099L);
    }

    @Test
    void unpaidOrderLeftPendingFails() throws SQLException {
        String orderId = anyOrder(Category.NEVER_PAID);
        execute("UPDATE orders SET status='PENDING_PAYMENT', close_reason=NULL, closed_at=NULL WHERE order_id=?", orderId);
        execute("DELETE FROM order_timeout_log WHERE order_id=?", orderId);

        assertFailsNaming(orderId, "status PENDING_PAYMENT, expected CLOSED (unpaid order never closed)",
                "0 audit rows in order_timeout_log, expected exactly 1");
    }

    @Test
    void paidOrderClosedFails() throws SQLException {
        String orderId = anyOrder(Category.PAID_IN_TIME);
        ExpectedOrder order = workload.expected().order(orderId);
        execute("UPDATE orders SET status='CLOSED', close_reason='PAYMENT_TIMEOUT', closed_at=now() WHERE order_id=?",
                orderId);
        ReferenceOutcomeWriter.insertAudit(connection, FLAVOR, orderId, order.deadline(), Instant.now());

        assertFailsNaming(orderId, "status CLOSED, expected PAID (closed although paid)",
                "the job decided to close a paid order");
    }

    @Test
    void cancelledOrderClosedFails() throws SQLException {
        String orderId = anyOrder(Category.CANCELLED);
        execute("UPDATE orders SET status='CLOSED', close_reason='PAYMENT_TIMEOUT', closed_at=now() WHERE order_id=?",
                orderId);

        assertFailsNaming(orderId, "status CLOSED, expected CANCELLED (closed although cancelled)");
    }

    @Test
    void duplicateRefundFails() throws SQLException {
        String orderId = anyOrder(Category.PAID_LATE);
        ReferenceOutcomeWriter.insertRefund(connection, FLAVOR, orderId, "pay-other", "PAID_AFTER_CLOSE");

        assertFailsNaming(orderId, "unexpected refund (payment pay-other, PAID_AFTER_CLOSE); expected only 1");
    }

    @Test
    void refundOfAPaidOrderFails() throws SQLException {
        String orderId = anyOrder(Category.PAID_IN_TIME);
        ReferenceOutcomeWriter.insertRefund(connection, FLAVOR, orderId, "pay-" + orderId, "PAID_AFTER_CLOSE");

        assertFailsNaming(orderId, "unexpected refund (payment pay-" + orderId + ", PAID_AFTER_CLOSE)");
    }

    @Test
    void missingRefundFails() throws SQLException {
        String orderId = anyOrder(Category.CANCELLED_THEN_PAID);
        execute("DELETE FROM refund_request WHERE order_id=?", orderId);

        assertFailsNaming(orderId, "missing refund (payment pay-" + orderId + ", PAID_AFTER_CANCEL)");
    }

    @Test
    void refundWithWrongReasonFails() throws SQLException {
        String orderId = anyOrder(Category.PAID_LATE);
        execute("UPDATE refund_request SET reason='PAID_AFTER_CANCEL' WHERE order_id=?", orderId);

        assertFailsNaming(orderId, "refund reason PAID_AFTER_CANCEL, expected PAID_AFTER_CLOSE");
    }

    @Test
    void closedOrderWhoseAuditSaysNotPendingFails() throws SQLException {
        String orderId = anyOrder(Category.NEVER_PAID);
        execute("UPDATE order_timeout_log SET outcome='NOT_PENDING' WHERE order_id=?", orderId);

        assertFailsNaming(orderId, "audit outcome NOT_PENDING, expected APPLIED");
    }

    @Test
    void aCancelledOrderPaidAfterItsDeadlineMayHaveANotPendingCloseAndEitherRefundReason() throws SQLException {
        // Read before its cancel, a payment made after the deadline is a payment after a close to
        // the job (DESIGN.md §3): a close decision that found the row cancelled, refund labelled
        // PAID_AFTER_CLOSE. The money is the same; the check must accept it, and only that.
        ExpectedOrder order = workload.expected().orders().values().stream()
                .filter(o -> o.audit() == AuditExpectation.ALLOWED && o.finalStatus() == OrderRowStatus.CANCELLED)
                .findFirst().orElseThrow(() -> new AssertionError("the workload has no order cancelled, then paid late"));
        ReferenceOutcomeWriter.insertAudit(connection, FLAVOR, order.orderId(), order.deadline(), Instant.now(),
                "NOT_PENDING");
        execute("UPDATE refund_request SET reason='PAID_AFTER_CLOSE' WHERE order_id=?", order.orderId());

        GroundTruthReport accepted = new GroundTruthCheck().check(connection, workload.expected());
        assertThat(accepted.passed()).as(accepted.summary()).isTrue();

        execute("UPDATE order_timeout_log SET outcome='APPLIED' WHERE order_id=?", order.orderId());
        assertFailsNaming(order.orderId(), "audit outcome APPLIED, expected NOT_PENDING");
    }

    @Test
    void wrongAuditDeadlineFails() throws SQLException {
        String orderId = anyOrder(Category.NEVER_PAID);
        execute("UPDATE order_timeout_log SET deadline = deadline + interval '1 second' WHERE order_id=?", orderId);

        assertFailsNaming(orderId, "audit deadline");
    }

    /** The contract's primary key forbids a second audit row; a schema without it must still be judged. */
    @Test
    void doubleAuditRowFails() throws SQLException {
        String orderId = anyOrder(Category.NEVER_PAID);
        ExpectedOrder order = workload.expected().order(orderId);
        execute("ALTER TABLE order_timeout_log DROP CONSTRAINT order_timeout_log_pkey");
        try {
            ReferenceOutcomeWriter.insertAudit(connection, FLAVOR, orderId, order.deadline(), Instant.now());

            assertFailsNaming(orderId, "2 audit rows in order_timeout_log, expected exactly 1");
        } finally {
            execute("DELETE FROM order_timeout_log");
            execute("ALTER TABLE order_timeout_log ADD PRIMARY KEY (order_id)");
        }
    }

    @Test
    void auditOrRefundOfAnUnknownOrderFails() throws SQLException {
        ReferenceOutcomeWriter.insertAudit(connection, FLAVOR, "stranger", Instant.now(), Instant.now());

        GroundTruthReport report = new GroundTruthCheck().check(connection, workload.expected());
        assertThat(report.passed()).isFalse();
        assertThat(report.mismatches()).extracting(Mismatch::toString)
                .contains("stranger: audit row for an order that is not part of the workload");
    }

    @Test
    void deadLettersAreCountedByDistinctPayloadWhenAsked() throws SQLException {
        GroundTruthCheck check = new GroundTruthCheck().withDeadLetterTable(true);
        assertThat(check.check(connection, workload.expected()).passed()).isFalse();

        for (WorkloadEvent event : workload.events()) {
            if (!event.isValid()) {
                for (int copy = 0; copy < 2; copy++) { // a replay writes dead letters again
                    execute("INSERT INTO order_event_dead_letter (reason, payload, rejected_at) VALUES ('bad', ?, now())",
                            java.util.Base64.getEncoder().encodeToString(event.json()));
                }
            }
        }
        GroundTruthReport report = check.check(connection, workload.expected());
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.distinctDeadLetters()).isEqualTo(workload.expected().deadLetters());
    }

    @Test
    void reportListsOnlyTheFirstMismatchesButCountsAll() throws SQLException {
        execute("UPDATE orders SET status='PENDING_PAYMENT', close_reason=NULL, closed_at=NULL WHERE status='CLOSED'");

        GroundTruthReport report = new GroundTruthCheck().withReportedMismatches(5)
                .check(connection, workload.expected());
        int closed = workload.expected().auditOrderIds().size();
        assertThat(report.mismatchCount()).isEqualTo(closed);
        assertThat(report.mismatches()).hasSize(5);
        assertThat(report.wrongOrdersPerCategory().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(closed);
        assertThatThrownBy(report::assertPassed).isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAIL: " + closed + " mismatch(es)").hasMessageContaining("first 5 mismatch(es)");
    }

    private static String anyOrder(Category category) {
        return workload.expected().orders().values().stream().filter(order -> order.category() == category)
                .map(ExpectedOrder::orderId).findFirst().orElseThrow();
    }

    private static void assertFailsNaming(String orderId, String... problems) throws SQLException {
        GroundTruthReport report = new GroundTruthCheck().check(connection, workload.expected());
        assertThat(report.passed()).isFalse();
        assertThat(report.mismatches()).allSatisfy(mismatch -> assertThat(mismatch.orderId()).isEqualTo(orderId));
        assertThat(report.mismatchCount()).isEqualTo(problems.length);
        Category category = workload.expected().order(orderId).category();
        for (String problem : problems) {
            assertThat(report.summary()).contains(orderId + " [" + category + "]: ").contains(problem);
        }
    }

    private static void execute(String sql, String... parameters) throws SQLException {
        if (parameters.length == 0) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
