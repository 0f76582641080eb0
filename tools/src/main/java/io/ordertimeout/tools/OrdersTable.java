package io.ordertimeout.tools;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tools' reads of the orders table, as the job's names configure it: one streamed query of
 * the pending rows (fetch size; autocommit off so PostgreSQL streams instead of buffering the whole
 * result; a read-only connection), and status look-ups of a few given orders for reconcile.
 * bootstrap runs the same query through flink-connector-jdbc's {@code JdbcSource} instead (see
 * {@link BootstrapCommand}); reconcile reads here, on the client.
 */
final class OrdersTable {

    private final ToolSettings settings;

    OrdersTable(ToolSettings settings) {
        this.settings = settings;
    }

    Connection connect() throws SQLException {
        try {
            Class.forName(settings.driverClassName);
        } catch (ClassNotFoundException e) {
            throw new SQLException("JDBC driver " + settings.driverClassName + " is not on the class path", e);
        }
        Connection connection = DriverManager.getConnection(settings.driverUrl, settings.user, settings.password);
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        return connection;
    }

    /** The one query of pending orders; status value and names are validated identifiers. */
    String pendingOrdersSql() {
        StringBuilder sql = new StringBuilder("SELECT ").append(settings.orderIdColumn).append(", ")
                .append(settings.deadlineColumn != null ? settings.deadlineColumn : settings.createdAtColumn);
        for (String detail : detailColumns()) {
            sql.append(", ").append(detail);
        }
        return sql.append(" FROM ").append(settings.ordersTable)
                .append(" WHERE ").append(settings.statusColumn).append(" = '").append(settings.pendingStatus).append("'")
                .toString();
    }

    private List<String> detailColumns() {
        List<String> columns = new ArrayList<>();
        columns.add(settings.userIdColumn);
        columns.add(settings.amountCentsColumn);
        columns.add(settings.currencyColumn);
        return columns.stream().filter(c -> c != null).toList();
    }

    /** Streams every pending order to {@code rows}; returns how many. */
    long readPendingOrders(Consumer<PendingOrderRow> rows) throws SQLException {
        long count = 0;
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement(
                        pendingOrdersSql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(settings.fetchSize);
            try (ResultSet rs = statement.executeQuery()) {
                PendingOrderRowExtractor extractor = new PendingOrderRowExtractor(settings);
                while (rs.next()) {
                    rows.accept(extractor.extract(rs));
                    count++;
                }
            }
            connection.rollback(); // read-only: nothing to commit
        }
        return count;
    }

    /** The status of each given order that exists in the table, in batches of a few hundred ids. */
    Map<String, String> statuses(Collection<String> orderIds) throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        List<String> ids = new ArrayList<>(orderIds);
        int batch = 500;
        try (Connection connection = connect()) {
            for (int from = 0; from < ids.size(); from += batch) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + batch));
                String sql = "SELECT " + settings.orderIdColumn + ", " + settings.statusColumn + " FROM "
                        + settings.ordersTable + " WHERE " + settings.orderIdColumn + " IN ("
                        + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            statuses.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            connection.rollback();
        }
        return statuses;
    }
}
