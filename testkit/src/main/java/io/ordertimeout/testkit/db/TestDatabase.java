package io.ordertimeout.testkit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real database server started for tests, the local runner and benchmarks, with the project's
 * schema and least-privilege job user from the {@code order-timeout-sql} resources. Start one per
 * test class; {@link #close()} stops the server and deletes its files.
 */
public interface TestDatabase extends AutoCloseable {

    /** The login created by {@code grants.sql}. */
    String JOB_USER = "order_timeout_job";

    /** Which server, and which directory of {@code order-timeout-sql} holds its scripts. */
    enum Kind {
        POSTGRES("postgres"),
        /** MariaDB, using the MySQL scripts (they are written for both). */
        MARIADB("mysql");

        private final String sqlDirectory;

        Kind(String sqlDirectory) {
            this.sqlDirectory = sqlDirectory;
        }

        public String sqlDirectory() {
            return sqlDirectory;
        }
    }

    Kind kind();

    /** JDBC URL of the database that holds the tables, without credentials. */
    String jdbcUrl();

    /** A new connection as the superuser that owns the tables; the caller closes it. */
    Connection adminConnection() throws SQLException;

    /** Applies {@code schema.sql}; idempotent. */
    default void applySchema() {
        executeScript(SqlScripts.load(kind(), "schema.sql"));
    }

    /** Applies {@code grants.sql} with the password substituted; idempotent, resets the password. */
    default void createJobUser(String password) {
        executeScript(SqlScripts.withJobPassword(kind(), SqlScripts.load(kind(), "grants.sql"), password));
    }

    /** A new connection as {@link #JOB_USER}; the caller closes it. */
    default Connection jobConnection(String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), JOB_USER, password);
    }

    /** Empties the project's tables, so that a test class can share one server between tests. */
    default void deleteAllRows() {
        executeScript("DELETE FROM orders; DELETE FROM order_timeout_log; DELETE FROM refund_request;"
                + " DELETE FROM order_event_dead_letter;");
    }

    /** Runs a script of several statements as the admin, in one round trip. */
    default void executeScript(String script) {
        try (Connection connection = adminConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(script);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL script failed on " + kind() + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server and deletes its data. */
    @Override
    void close();
}
