package io.ordertimeout.sink;

import io.ordertimeout.core.RefundRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The guarded refund INSERT (DESIGN.md §3): count 1 is a written refund; count 0 is either a
 * replay (the row exists: still {@link RefundOutcome#WRITTEN}, so its event is sent again) or the
 * guard (the order row is not in a refundable status: {@link RefundOutcome#BLOCKED_BY_GUARD}).
 *
 * <p>A refund whose order row is still in the <em>pending</em> status is looked at again later:
 * the payment service writes the order's status before it publishes ORDER_PAID, and the shop
 * before ORDER_CANCELLED, so a pending row means that a status change is still on its way — most
 * often the job's own close, which another writer applies. It is retried like a transient error
 * (with backoff) and decided on the last attempt, so it can never fail the job.
 */
final class RefundStatements implements BatchStatements<RefundRequest, RefundResult> {

    private static final long serialVersionUID = 1L;

    private final BoundStatement<RefundRequest> refund;
    private final String existingRefundQuery;
    private final String orderStatusQuery;
    private final String pendingStatus;
    private final SqlDialect dialect;

    private transient Counter written;
    private transient Counter blocked;

    RefundStatements(OrderStatements statements, SqlDialect dialect) {
        this.refund = statements.refund();
        this.existingRefundQuery = statements.existingRefundQuery();
        this.orderStatusQuery = statements.orderStatusQuery();
        this.pendingStatus = statements.pendingStatus();
        this.dialect = dialect;
    }

    @Override
    public String name() {
        return "refund";
    }

    @Override
    public String key(RefundRequest record) {
        return record.orderId + "/" + record.paymentId;
    }

    @Override
    public void open(MetricGroup orderTimeoutMetrics) {
        written = orderTimeoutMetrics.counter("refundsWritten");
        blocked = orderTimeoutMetrics.counter("refundsBlockedByGuard");
    }

    @Override
    public List<RefundResult> apply(Connection connection, List<RefundRequest> batch, boolean lastAttempt)
            throws SQLException {
        int[] inserted;
        try (PreparedStatement insert = connection.prepareStatement(refund.query())) {
            for (RefundRequest request : batch) {
                refund.statement(insert, request);
                insert.addBatch();
            }
            inserted = insert.executeBatch();
        }
        List<RefundResult> results = new ArrayList<>(batch.size());
        List<String> stillPending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            RefundRequest request = batch.get(i);
            RefundOutcome outcome;
            if (inserted[i] > 0 || exists(connection, request)) {
                outcome = RefundOutcome.WRITTEN;
            } else {
                outcome = RefundOutcome.BLOCKED_BY_GUARD;
                if (!lastAttempt && pendingStatus.equals(orderStatus(connection, request.orderId))) {
                    stillPending.add(request.orderId);
                }
            }
            results.add(new RefundResult(request, outcome));
        }
        if (!stillPending.isEmpty()) {
            throw new SQLTransientException("refund guard: order row(s) " + stillPending
                    + " still pending; a status change (e.g. the job's close) is on its way");
        }
        return results;
    }

    @Override
    public void committed(RefundResult outcome) {
        (outcome.written() ? written : blocked).inc();
    }

    private boolean exists(Connection connection, RefundRequest request) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(existingRefundQuery)) {
            select.setObject(1, RefundParameter.ORDER_ID.value(request, dialect));
            select.setObject(2, RefundParameter.PAYMENT_ID.value(request, dialect));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private String orderStatus(Connection connection, String orderId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(orderStatusQuery)) {
            select.setString(1, orderId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
