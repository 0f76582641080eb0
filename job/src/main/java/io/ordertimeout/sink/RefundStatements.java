package io.ordertimeout.sink;

import io.ordertimeout.core.RefundRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The guarded refund INSERT (DESIGN.md §3): count 1 is a written refund; count 0 is either a
 * replay (the row exists: still {@link RefundOutcome#WRITTEN}, so its event is sent again) or the
 * guard (the order row is not in a refundable status: {@link RefundOutcome#BLOCKED_BY_GUARD}).
 *
 * <p>A refund whose order row is still in the <em>pending</em> status is left undecided until the
 * next checkpoint barrier (or the end of input): the payment service writes the order's status
 * before it publishes ORDER_PAID, and the shop before ORDER_CANCELLED, so a pending row means a
 * status change is still on its way — the job's own close of that order, applied by the close
 * writer. That writer is chained to the state machine, which emitted the close before the refund
 * and flushes it before forwarding the barrier; this writer is not chained, so when the barrier
 * reaches it every close decided before the refund is committed, and the guard's answer is final.
 * The same holds for a row that turns refundable between the INSERT and the status read.
 */
final class RefundStatements implements BatchStatements<RefundRequest, RefundResult> {

    private static final long serialVersionUID = 1L;

    private final BoundStatement<RefundRequest> refund;
    private final String existingRefundQuery;
    private final String orderStatusQuery;
    private final String pendingStatus;
    private final List<String> refundableStatuses;
    private final SqlDialect dialect;

    private transient Counter written;
    private transient Counter blocked;

    RefundStatements(OrderStatements statements, SqlDialect dialect) {
        this.refund = statements.refund();
        this.existingRefundQuery = statements.existingRefundQuery();
        this.orderStatusQuery = statements.orderStatusQuery();
        this.pendingStatus = statements.pendingStatus();
        this.refundableStatuses = statements.refundableStatuses();
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
        written = orderTimeoutMetrics.counter("writtenRefunds");
        blocked = orderTimeoutMetrics.counter("guardBlockedRefunds");
    }

    @Override
    public List<RefundResult> apply(Connection connection, List<RefundRequest> batch, boolean mustDecide)
            throws SQLException {
        int[] inserted = refund.executeBatch(connection, batch);
        List<RefundResult> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            RefundRequest request = batch.get(i);
            RefundOutcome outcome;
            if (inserted[i] > 0 || exists(connection, request)) {
                outcome = RefundOutcome.WRITTEN;
            } else {
                outcome = RefundOutcome.BLOCKED_BY_GUARD;
                if (!mustDecide && mayChangeSoon(orderStatus(connection, request.orderId))) {
                    results.add(null); // undecided: applied again with a later batch
                    continue;
                }
            }
            results.add(new RefundResult(request, outcome));
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

    /**
     * Pending: the status change the refund depends on is still on its way. Refundable: it landed
     * between the INSERT and this read (PostgreSQL's READ COMMITTED gives each statement its own
     * snapshot), so the INSERT is worth running again.
     */
    private boolean mayChangeSoon(String status) {
        return pendingStatus.equals(status) || refundableStatuses.contains(status);
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
