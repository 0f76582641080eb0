package io.ordertimeout.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TestDatabase} must provide: the schema applies (twice), and the job user of
 * grants.sql can run exactly the job's kinds of statements and nothing more; and the faults the
 * fault campaign injects: a restart keeps data and port, a pause hangs connections until resumed.
 */
abstract class TestDatabaseContract {

    /** Has a quote and a backslash, so the escaping of the placeholder is exercised too. */
    static final String JOB_PASSWORD = "job-pw 'quoted' \\ end";

    abstract FaultInjectableDatabase database();

    /** Schema and user are applied in @BeforeAll of the subclass; here only the rows are reset. */
    static void prepare(TestDatabase database) {
        database.applySchema();
        database.applySchema(); // idempotent
        database.createJobUser("first password, replaced below");
        database.createJobUser(JOB_PASSWORD); // idempotent, resets the password
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement()) {
            for (String table : new String[] {"orders", "order_timeout_log", "refund_request", "order_event_dead_letter"}) {
                statement.executeUpdate("DELETE FROM " + table);
            }
            statement.executeUpdate("INSERT INTO orders (order_id, user_id, amount_cents, currency, status, created_at)"
                    + " VALUES ('o-1', 'u-1', 1299, 'EUR', 'PENDING_PAYMENT', " + timestamp("2026-11-26 10:00:00.123") + ")");
        }
    }

    private String timestamp(String utc) {
        return database().kind() == TestDatabase.Kind.POSTGRES ? "TIMESTAMPTZ '" + utc + "+00'" : "TIMESTAMP '" + utc + "'";
    }

    @Test
    void jobUserCanRunTheJobsStatements() throws SQLException {
        try (Connection job = database().jobConnection(JOB_PASSWORD); Statement statement = job.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT order_id, status FROM orders")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("status")).isEqualTo("PENDING_PAYMENT");
            }
            assertThat(statement.executeUpdate("UPDATE orders SET status = 'CLOSED', close_reason = 'PAYMENT_TIMEOUT', closed_at = "
                    + timestamp("2026-11-26 10:30:00") + " WHERE order_id = 'o-1' AND status = 'PENDING_PAYMENT'")).isEqualTo(1);
            assertThat(statement.executeUpdate("INSERT INTO order_timeout_log (order_id, deadline, closed_at, lateness_ms, "
                    + "outcome) VALUES ('o-1', " + timestamp("2026-11-26 10:30:00") + ", "
                    + timestamp("2026-11-26 10:30:01") + ", 1000, 'APPLIED')")).isEqualTo(1);
            try (ResultSet rows = statement.executeQuery("SELECT order_id, outcome FROM order_timeout_log")) {
                assertThat(rows.next()).isTrue();
            }
            assertThat(statement.executeUpdate("INSERT INTO refund_request (order_id, payment_id, reason, requested_at) "
                    + "SELECT 'o-1', 'p-1', 'PAID_AFTER_CLOSE', " + timestamp("2026-11-26 10:31:00") + fromNothing()
                    + " WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = 'o-1' AND status IN ('CLOSED', 'CANCELLED'))"))
                    .isEqualTo(1);
            try (ResultSet rows = statement.executeQuery("SELECT 1 FROM refund_request WHERE order_id = 'o-1' AND payment_id = 'p-1'")) {
                assertThat(rows.next()).isTrue();
            }
            assertThat(statement.executeUpdate("INSERT INTO order_event_dead_letter (source_position, reason, payload, rejected_at) "
                    + "VALUES ('t/b/0/1', 'bad json', '{', " + timestamp("2026-11-26 10:00:00") + ")")).isEqualTo(1);
        }
    }

    private String fromNothing() {
        return database().kind() == TestDatabase.Kind.POSTGRES ? "" : " FROM DUAL";
    }

    @Test
    void jobUserCannotDoAnythingElse() throws SQLException {
        try (Connection job = database().jobConnection(JOB_PASSWORD); Statement statement = job.createStatement()) {
            assertDenied(statement, "DELETE FROM orders WHERE order_id = 'o-1'");
            assertDenied(statement, "SELECT user_id FROM orders");
            assertDenied(statement, "UPDATE orders SET amount_cents = 0 WHERE order_id = 'o-1'");
            assertDenied(statement, "INSERT INTO orders (order_id, status, created_at) VALUES ('o-2', 'PAID', "
                    + timestamp("2026-11-26 10:00:00") + ")");
            assertDenied(statement, "SELECT deadline FROM order_timeout_log");
            assertDenied(statement, "SELECT reason FROM refund_request");
            assertDenied(statement, "DELETE FROM refund_request");
            assertDenied(statement, "UPDATE order_event_dead_letter SET reason = 'x'");
            assertDenied(statement, "CREATE TABLE job_scratch (id INT)");
            assertDenied(statement, "DROP TABLE order_timeout_log");
        }
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT amount_cents FROM orders WHERE order_id = 'o-1'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isEqualTo(1299);
        }
    }

    @Test
    void jobUserNeedsItsPassword() {
        assertThatThrownBy(() -> database().jobConnection("wrong").close()).isInstanceOf(SQLException.class);
    }

    private static void assertDenied(Statement statement, String sql) {
        assertThatThrownBy(() -> statement.execute(sql))
                .as(sql)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getMessage().toLowerCase())
                        .containsAnyOf("permission denied", "must be owner", "command denied", "access denied"));
    }

    @Test
    void stopsAndStartsAgainOnTheSameDataAndPort() throws SQLException {
        String urlBefore = database().jdbcUrl();

        database().stopServer();
        assertThatThrownBy(() -> database().adminConnection().close()).isInstanceOf(SQLException.class);
        database().startServer();

        assertThat(database().jdbcUrl()).isEqualTo(urlBefore);
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement();
                ResultSet rs = statement.executeQuery("SELECT status FROM orders WHERE order_id = 'o-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("PENDING_PAYMENT");
        }
    }

    @Test
    void pausedServerHangsOpenConnectionsUntilResumed() throws Exception {
        try (Connection admin = database().adminConnection()) {
            CompletableFuture<Integer> query;
            database().pause();
            try {
                query = CompletableFuture.supplyAsync(() -> selectOne(admin));
                assertThatThrownBy(() -> query.get(1500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            } finally {
                database().resume();
            }
            assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    private static int selectOne(Connection connection) {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
