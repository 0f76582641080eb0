package io.ordertimeout.sink;

import io.ordertimeout.core.CloseCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The close UPDATE and its audit INSERT, in one transaction so the audit row always records what
 * the UPDATE did (a crash between two transactions could record a wrong outcome). The UPDATE's
 * count gives the outcome: 1 {@link CloseOutcome#APPLIED}, 0 {@link CloseOutcome#NOT_PENDING}.
 * On a replay the UPDATE finds the row closed already (0) and the audit INSERT is ignored as a
 * duplicate; then the outcome stored by the first attempt is read back, so a replayed close that
 * was applied still reports APPLIED and its ORDER_CLOSED event is sent again (at-least-once).
 */
final class CloseStatements implements BatchStatements<CloseCommand, CloseResult> {

    private static final long serialVersionUID = 1L;

    private final BoundStatement<CloseCommand> close;
    private final BoundStatement<CloseResult> audit;
    private final String auditTable;

    private transient Counter applied;
    private transient Counter notPending;

    CloseStatements(OrderStatements statements) {
        this.close = statements.close();
        this.audit = statements.audit();
        this.auditTable = statements.auditTable();
    }

    @Override
    public String name() {
        return "close";
    }

    @Override
    public String key(CloseCommand record) {
        return record.orderId;
    }

    @Override
    public void open(MetricGroup orderTimeoutMetrics) {
        applied = orderTimeoutMetrics.counter("appliedCloses");
        notPending = orderTimeoutMetrics.counter("notPendingCloses");
    }

    @Override
    public List<CloseResult> apply(Connection connection, List<CloseCommand> batch, boolean mustDecide)
            throws SQLException {
        int[] updated = close.executeBatch(connection, batch);
        List<CloseResult> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (updated[i] == Statement.SUCCESS_NO_INFO) {
                throw new SQLException("the JDBC driver did not report the close UPDATE's update count, so its "
                        + "outcome is unknown; remove options such as rewriteBatchedStatements or useBulkStmts "
                        + "from order-timeout.jdbc.url");
            }
            results.add(new CloseResult(batch.get(i), updated[i] > 0 ? CloseOutcome.APPLIED : CloseOutcome.NOT_PENDING));
        }

        int[] inserted = audit.executeBatch(connection, results);
        Set<String> replayed = new LinkedHashSet<>();
        for (int i = 0; i < results.size(); i++) {
            if (inserted[i] != 1) {
                replayed.add(results.get(i).close.orderId);
            }
        }
        if (!replayed.isEmpty()) {
            Map<String, CloseOutcome> stored = storedOutcomes(connection, replayed);
            for (int i = 0; i < results.size(); i++) {
                if (inserted[i] != 1) {
                    CloseResult result = results.get(i);
                    result.outcome = stored.getOrDefault(result.close.orderId, result.outcome);
                }
            }
        }
        return results;
    }

    @Override
    public void committed(CloseResult outcome) {
        (outcome.applied() ? applied : notPending).inc();
    }

    /**
     * The {@code outcome} the audit table stores for these orders (the job may read exactly the
     * columns order_id and outcome of it, see sql/).
     */
    private Map<String, CloseOutcome> storedOutcomes(Connection connection, Set<String> orderIds)
            throws SQLException {
        Map<String, CloseOutcome> outcomes = new HashMap<>();
        String query = "SELECT order_id, outcome FROM " + auditTable + " WHERE order_id IN ("
                + String.join(", ", Collections.nCopies(orderIds.size(), "?")) + ")";
        try (PreparedStatement select = connection.prepareStatement(query)) {
            int i = 1;
            for (String orderId : orderIds) {
                select.setString(i++, orderId);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    try {
                        outcomes.put(rows.getString(1), CloseOutcome.valueOf(rows.getString(2)));
                    } catch (IllegalArgumentException | NullPointerException unknownValue) {
                        // Not written by this job (an overriding statement, a manual row): keep the UPDATE's.
                    }
                }
            }
        }
        return outcomes;
    }
}
