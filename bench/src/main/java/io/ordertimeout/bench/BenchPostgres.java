package io.ordertimeout.bench;

import io.ordertimeout.testkit.db.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * PostgreSQL 17 for the benchmark. Not the testkit's server because the statement statistics
 * need {@code pg_stat_statements} in {@code shared_preload_libraries}, which only a server start
 * can set. Every contender logs in as {@link #CONTENDER_ROLE}, the order and payment services
 * (the simulator) as the superuser, so the statistics of the two never mix.
 */
final class BenchPostgres implements TestDatabase {

    static final String DATABASE = "order_timeout";
    static final String CONTENDER_ROLE = "bench_contender";
    static final String CONTENDER_PASSWORD = "bench-contender";

    private final EmbeddedPostgres postgres;
    private final String jdbcUrl;

    private BenchPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    static BenchPostgres start() throws IOException, SQLException {
        Path dataDirectory = Files.createTempDirectory("order-timeout-bench-pg-");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true)
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("pg_stat_statements.track", "top")
                // BEGIN/COMMIT/SET are not work on the orders table.
                .setServerConfig("pg_stat_statements.track_utility", "off")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDirectory.resolveSibling(
                        dataDirectory.getFileName() + ".log").toFile()))
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        BenchPostgres database = new BenchPostgres(postgres);
        database.applySchema();
        database.executeScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n"
                + "CREATE ROLE " + CONTENDER_ROLE + " LOGIN PASSWORD '" + CONTENDER_PASSWORD + "';\n"
                + "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + CONTENDER_ROLE + ";\n"
                + "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + CONTENDER_ROLE + ";\n");
        return database;
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRES;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    Connection contenderConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, CONTENDER_ROLE, CONTENDER_PASSWORD);
    }

    /** Empties the contract tables and the statement statistics between runs. */
    void reset() {
        executeScript("TRUNCATE orders, order_timeout_log, refund_request, order_event_dead_letter;\n"
                + "SELECT pg_stat_statements_reset();\n");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("PostgreSQL did not stop cleanly: " + e);
        }
    }
}
