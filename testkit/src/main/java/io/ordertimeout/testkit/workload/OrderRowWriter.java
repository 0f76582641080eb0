package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Inserts order rows into the contract's orders table (default names). Multi-row VALUES
 * statements rather than JDBC batches: one round trip per chunk on both PostgreSQL and MariaDB
 * without driver-specific URL flags.
 */
public final class OrderRowWriter {

    private static final int ROWS_PER_STATEMENT = 500;
    private static final String INSERT_PREFIX =
            "INSERT INTO orders (order_id, user_id, amount_cents, currency, status, created_at) VALUES ";

    private OrderRowWriter() {}

    /** Inserts all rows in one transaction; the connection's auto-commit setting is restored. */
    public static void insert(Connection connection, SqlFlavor flavor, Collection<InitialOrderRow> rows)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            List<InitialOrderRow> all = new ArrayList<>(rows);
            for (int from = 0; from < all.size(); from += ROWS_PER_STATEMENT) {
                List<InitialOrderRow> chunk = all.subList(from, Math.min(all.size(), from + ROWS_PER_STATEMENT));
                try (PreparedStatement statement = connection.prepareStatement(insertSql(chunk.size()))) {
                    int index = 1;
                    for (InitialOrderRow row : chunk) {
                        index = bind(statement, index, flavor, row);
                    }
                    statement.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Inserts one row with the connection's current transaction settings. */
    public static void insert(Connection connection, SqlFlavor flavor, InitialOrderRow row) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertSql(1))) {
            bind(statement, 1, flavor, row);
            statement.executeUpdate();
        }
    }

    private static String insertSql(int rows) {
        return INSERT_PREFIX + String.join(",", Collections.nCopies(rows, "(?,?,?,?,?,?)"));
    }

    private static int bind(PreparedStatement statement, int index, SqlFlavor flavor, InitialOrderRow row)
            throws SQLException {
        statement.setString(index++, row.orderId());
        statement.setString(index++, row.userId());
        statement.setLong(index++, row.amountCents());
        statement.setString(index++, row.currency());
        statement.setString(index++, row.status().name());
        flavor.setTimestamp(statement, index++, row.createdAt());
        return index;
    }
}
