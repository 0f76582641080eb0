package io.ordertimeout.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What one contender asked of PostgreSQL during a run, from {@code pg_stat_statements} filtered by
 * the contender's login: executions, rows returned by SELECTs, rows changed by UPDATE/INSERT, and
 * shared buffer pages touched (hit + read), the closest thing to "rows examined" PostgreSQL counts
 * per statement. pg_stat_user_tables cannot separate the contender from the simulated order and
 * payment services that work on the same table, so it is not used.
 */
record DbWork(long statements, long rowsRead, long rowsWritten, long bufferPages) {

    static DbWork read(BenchPostgres database) throws SQLException {
        long statements = 0;
        long rowsRead = 0;
        long rowsWritten = 0;
        long pages = 0;
        try (Connection connection = database.adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT s.query, s.calls, s.rows, s.shared_blks_hit + s.shared_blks_read"
                                + " FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid"
                                + " WHERE r.rolname = '" + BenchPostgres.CONTENDER_ROLE + "'")) {
            while (rs.next()) {
                String query = rs.getString(1).stripLeading().toLowerCase(Locale.ROOT);
                long calls = rs.getLong(2);
                long rows = rs.getLong(3);
                statements += calls;
                pages += rs.getLong(4);
                if (query.startsWith("select")) {
                    rowsRead += rows;
                } else if (query.startsWith("update") || query.startsWith("insert") || query.startsWith("delete")) {
                    rowsWritten += rows;
                }
            }
        }
        return new DbWork(statements, rowsRead, rowsWritten, pages);
    }

    /** {@code value / divisor} (closes, created orders, statements), 0 when there is nothing to divide by. */
    double per(long divisor, long value) {
        return divisor == 0 ? 0 : (double) value / divisor;
    }
}
