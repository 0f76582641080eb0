package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Writes the final state a correct job would leave, with the contract's own statements (conditional
 * close UPDATE, audit insert, refund insert), so the check can be tried on a known-good database.
 * Close lateness is 1000 + (n mod 100) ms for the n-th closed order, to make the stats predictable.
 */
final class ReferenceOutcomeWriter {

    private ReferenceOutcomeWriter() {}

    static void writeCorrectFinalState(Connection connection, SqlFlavor flavor, OrderWorkload workload)
            throws SQLException {
        workload.insertInitialRows(connection, flavor);
        int n = 0;
        for (ExpectedOrder order : workload.expected().orders().values()) {
            if (order.finalStatus() == OrderRowStatus.CLOSED) {
                close(connection, flavor, order.orderId(), order.deadline(), order.deadline().plusMillis(1000 + n % 100));
                n++;
            }
        }
        for (ExpectedRefund refund : workload.expected().refunds()) {
            insertRefund(connection, flavor, refund.orderId(), refund.paymentId(), refund.reason().name());
        }
    }

    static void close(Connection connection, SqlFlavor flavor, String orderId, Instant deadline, Instant closedAt)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET status='CLOSED', "
                + "close_reason='PAYMENT_TIMEOUT', closed_at=? WHERE order_id=? AND status='PENDING_PAYMENT'")) {
            flavor.setTimestamp(update, 1, closedAt);
            update.setString(2, orderId);
            update.executeUpdate();
        }
        insertAudit(connection, flavor, orderId, deadline, closedAt);
    }

    static void insertAudit(Connection connection, SqlFlavor flavor, String orderId, Instant deadline,
            Instant closedAt) throws SQLException {
        insertAudit(connection, flavor, orderId, deadline, closedAt, "APPLIED");
    }

    static void insertAudit(Connection connection, SqlFlavor flavor, String orderId, Instant deadline,
            Instant closedAt, String outcome) throws SQLException {
        try (PreparedStatement audit = connection.prepareStatement(
                "INSERT INTO order_timeout_log (order_id, deadline, closed_at, lateness_ms, outcome) "
                        + "VALUES (?,?,?,?,?)")) {
            audit.setString(1, orderId);
            flavor.setTimestamp(audit, 2, deadline);
            flavor.setTimestamp(audit, 3, closedAt);
            audit.setLong(4, closedAt.toEpochMilli() - deadline.toEpochMilli());
            audit.setString(5, outcome);
            audit.executeUpdate();
        }
    }

    static void insertRefund(Connection connection, SqlFlavor flavor, String orderId, String paymentId, String reason)
            throws SQLException {
        try (PreparedStatement refund = connection.prepareStatement("INSERT INTO refund_request "
                + "(order_id, payment_id, reason, paid_at, requested_at) VALUES (?,?,?,?,?)")) {
            refund.setString(1, orderId);
            refund.setString(2, paymentId);
            refund.setString(3, reason);
            flavor.setTimestamp(refund, 4, null);
            flavor.setTimestamp(refund, 5, Instant.now());
            refund.executeUpdate();
        }
    }
}
