package io.ordertimeout.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The history a real shop's orders table holds before a live run: N settled orders (80 % paid,
 * 10 % cancelled, 10 % closed), created over the weeks before, none pending. With a table of a
 * few hundred rows the database work per close was index noise (11-121 pages between runs); on a
 * table this size the B-tree depth and the scanner's index range are what they are in production.
 * Written by the superuser in one statement, so that it never counts as contender work.
 */
final class SettledOrders {

    /** Settled rows are at least this old, so a live run can tell its own rows by {@code created_at}. */
    static final String OLDEST_LIVE_ROW = "now() - interval '1 day'";

    private SettledOrders() {}

    static void fill(BenchPostgres database, int rows) throws SQLException {
        if (rows == 0) {
            return;
        }
        try (Connection admin = database.adminConnection()) {
            admin.setAutoCommit(true);
            try (PreparedStatement insert = admin.prepareStatement(
                    "INSERT INTO orders (order_id, user_id, amount_cents, currency, status, created_at, close_reason, closed_at)"
                            + " SELECT 'settled-' || n, 'u-' || (n % 50000), 100 + n % 10000, 'EUR',"
                            + " CASE WHEN n % 10 < 8 THEN 'PAID' WHEN n % 10 = 8 THEN 'CANCELLED' ELSE 'CLOSED' END,"
                            // one order every 2 s, ending two days ago: about 23 days of history at 1 M
                            + " now() - interval '2 days' - n * interval '2 seconds',"
                            + " CASE WHEN n % 10 = 9 THEN 'PAYMENT_TIMEOUT' END,"
                            + " CASE WHEN n % 10 = 9 THEN now() - interval '2 days' - n * interval '2 seconds'"
                            + "   + interval '30 minutes' END"
                            + " FROM generate_series(1, ?) AS n")) {
                insert.setInt(1, rows);
                insert.executeUpdate();
            }
            try (Statement vacuum = admin.createStatement()) {
                // What autovacuum would have done to a table this old: statistics and the visibility map.
                vacuum.execute("VACUUM ANALYZE orders");
            }
        }
    }
}
