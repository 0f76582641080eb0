package io.ordertimeout.bench;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * The testkit's PostgreSQL 17 started with {@code pg_stat_statements} preloaded (only a server
 * start can set that), for the benchmark's statement statistics. Every contender logs in as {@link #CONTENDER_ROLE}, the order and payment services
 * (the simulator) as the superuser, so the statistics of the two never mix.
 */
final class BenchPostgres implements TestDatabase {

    static final String CONTENDER_ROLE = "bench_contender";
    static final String CONTENDER_PASSWORD = "bench-contender";

    private final EmbeddedPostgresDatabase server;

    private BenchPostgres(EmbeddedPostgresDatabase server) {
        this.server = server;
    }

    static BenchPostgres start() {
        BenchPostgres database = new BenchPostgres(EmbeddedPostgresDatabase.start(Map.of(
                "shared_preload_libraries", "pg_stat_statements",
                "pg_stat_statements.track", "top",
                // BEGIN/COMMIT/SET are not work on the orders table.
                "pg_stat_statements.track_utility", "off")));
        database.applySchema();
        database.executeScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n"
                + "CREATE ROLE " + CONTENDER_ROLE + " LOGIN PASSWORD '" + CONTENDER_PASSWORD + "';\n"
                + "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + CONTENDER_ROLE + ";\n"
                + "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + CONTENDER_ROLE + ";\n");
        return database;
    }

    @Override
    public Kind kind() {
        return server.kind();
    }

    @Override
    public String jdbcUrl() {
        return server.jdbcUrl();
    }

    @Override
    public Connection adminConnection() throws SQLException {
        return server.adminConnection();
    }

    Connection contenderConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), CONTENDER_ROLE, CONTENDER_PASSWORD);
    }

    /** Empties the contract tables and the statement statistics between runs. */
    void reset() {
        executeScript("TRUNCATE orders, order_timeout_log, refund_request, order_event_dead_letter;\n"
                + "SELECT pg_stat_statements_reset();\n");
    }

    /** Forgets the statement statistics, e.g. after the harness wrote the settled history. */
    void resetStatementStatistics() {
        executeScript("SELECT pg_stat_statements_reset();\n");
    }

    @Override
    public void close() {
        server.close();
    }
}
