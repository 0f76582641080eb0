package io.ordertimeout.local;

import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.output.RocketMqOutputs;
import io.ordertimeout.sink.DatabaseOutcomes;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.time.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in this JVM and its children: a RocketMQ broker (or an external one), a
 * PostgreSQL database with the project's schema and job login (or an external database), a Flink
 * MiniCluster with its REST API and web UI, and the job running on it. One place assembles it for
 * both {@link LocalRunner} and the tests; {@link #close()} stops everything it started.
 */
public final class LocalSystem implements AutoCloseable {

    public static final String TOPIC = "order-events";
    public static final int QUEUES = 4;
    public static final String DEAD_LETTER_TABLE = "order_event_dead_letter";
    /** How often the REST API refreshes its metrics (default 10 s); the progress line reads them. */
    public static final Duration METRIC_FETCH_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(LocalSystem.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Reporter name in metrics.reporter.<name>.*, as in docker-compose.yml and the Kubernetes manifests. */
    static final String PROMETHEUS_REPORTER = "prom";
    private static final String PROMETHEUS_PORT_KEY = "port";

    private final Settings settings;
    private EmbeddedRocketMq broker;
    private EmbeddedPostgresDatabase database;
    private MiniCluster cluster;
    private String nameServerAddress;
    private String jdbcUrl;
    private JdbcConnectionFactory shopConnections;
    /** Password of the embedded database's job login; random per run, never printed. */
    private String jobPassword;
    private URI restAddress;
    private URI prometheusAddress;
    private JobID jobId;
    private boolean closed;

    private LocalSystem(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts everything and submits the job; returns once the job is submitted (not yet running).
     * Reports each step through {@code progress}. On failure, whatever was started is stopped.
     */
    public static LocalSystem start(Settings settings, Consumer<String> progress) throws Exception {
        LocalSystem system = new LocalSystem(settings);
        try {
            system.startServices(progress);
            system.startCluster(progress);
            system.submitJob(progress);
            return system;
        } catch (Exception | Error e) {
            system.close();
            throw e;
        }
    }

    private void startServices(Consumer<String> progress) {
        if (settings.externalNameServer == null) {
            long start = System.nanoTime();
            broker = EmbeddedRocketMq.start();
            broker.createTopic(TOPIC, QUEUES);
            nameServerAddress = broker.nameServerAddress();
            progress.accept("RocketMQ name server " + nameServerAddress + ", topic " + TOPIC + " with " + QUEUES
                    + " queues (embedded, " + millisSince(start) + " ms)");
        } else {
            nameServerAddress = settings.externalNameServer;
            progress.accept("RocketMQ name server " + nameServerAddress + " (external; topic " + TOPIC
                    + " must exist)");
        }
        if (settings.externalDatabase == null) {
            long start = System.nanoTime();
            database = EmbeddedPostgresDatabase.start();
            database.applySchema();
            jobPassword = randomPassword();
            database.createJobUser(jobPassword);
            jdbcUrl = database.jdbcUrl();
            EmbeddedPostgresDatabase owner = database;
            shopConnections = owner::adminConnection;
            progress.accept("PostgreSQL " + jdbcUrl + " with schema and login " + TestDatabase.JOB_USER
                    + " (embedded, " + millisSince(start) + " ms)");
        } else {
            jdbcUrl = settings.externalDatabase.jdbcUrl();
            shopConnections = settings.externalDatabase.shopConnections();
            progress.accept("Database " + settings.externalDatabase + " (external; schema must be applied)");
        }
    }

    private void startCluster(Consumer<String> progress) throws Exception {
        long start = System.nanoTime();
        Configuration config = new Configuration();
        config.set(RestOptions.ADDRESS, "localhost");
        config.set(RestOptions.BIND_ADDRESS, settings.restBindAddress);
        config.set(RestOptions.BIND_PORT, settings.restBindPort);
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, settings.parallelism);
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, METRIC_FETCH_INTERVAL);
        int prometheusPort = settings.prometheusPort != 0 ? settings.prometheusPort : freePort();
        config.set(reporterOption(MetricOptions.REPORTER_FACTORY_CLASS.key()), PrometheusReporterFactory.class.getName());
        config.set(reporterOption(PROMETHEUS_PORT_KEY), String.valueOf(prometheusPort));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(settings.parallelism)
                .build());
        cluster.start();
        restAddress = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
        prometheusAddress = URI.create("http://" + restAddress.getHost() + ":" + prometheusPort + "/metrics");
        progress.accept("Flink " + settings.parallelism + " slots, web UI " + restAddress + ", Prometheus metrics "
                + prometheusAddress + " (" + millisSince(start) + " ms)");
    }

    private void submitJob(Consumer<String> progress) throws Exception {
        Configuration config = jobConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism);
        DatabaseOutcomes outcomes = OrderTimeoutJob.define(
                env, config, RocketMqOrderSource.from(config), WallClock.system());
        RocketMqOutputs.from(config).attach(outcomes);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(OrderTimeoutJob.JOB_NAME);
        jobId = cluster.submitJob(graph.getJobGraph()).get(60, TimeUnit.SECONDS).getJobID();
        progress.accept("Job " + OrderTimeoutJob.JOB_NAME + " submitted: " + jobId + " (pay timeout "
                + settings.payTimeout.toSeconds() + " s, out-of-orderness " + settings.outOfOrderness.toMillis()
                + " ms, idle timeout " + settings.idleTimeout.toMillis() + " ms, checkpoints every "
                + settings.checkpointInterval.toSeconds() + " s)");
    }

    /** What {@code flink run -D...} would pass: the job's settings plus checkpointing. */
    Configuration jobConfiguration() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.NAME, OrderTimeoutJob.JOB_NAME);
        config.set(OrderTimeoutOptions.PAY_TIMEOUT, settings.payTimeout);
        config.set(OrderTimeoutOptions.OUT_OF_ORDERNESS, settings.outOfOrderness);
        config.set(OrderTimeoutOptions.IDLE_TIMEOUT, settings.idleTimeout);
        config.set(OrderTimeoutOptions.ROCKETMQ_NAMESRV, nameServerAddress);
        config.set(OrderTimeoutOptions.ROCKETMQ_TOPIC, TOPIC);
        // Fresh embedded topic: discover nothing new; external: new queues show up within 10 s.
        config.set(OrderTimeoutOptions.ROCKETMQ_DISCOVERY_INTERVAL, Duration.ofSeconds(10));
        config.set(OrderTimeoutOptions.JDBC_URL, jdbcUrl);
        if (settings.externalDatabase == null) {
            config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
            // Flink hides keys containing "password" in the web UI and its logs.
            config.set(OrderTimeoutOptions.JDBC_PASSWORD, jobPassword);
            config.set(OrderTimeoutOptions.DB_DEAD_LETTER_TABLE, DEAD_LETTER_TABLE);
        } else {
            config.set(OrderTimeoutOptions.JDBC_USER, settings.externalDatabase.jobUser());
            if (settings.externalDatabase.jobPassword() != null) {
                config.set(OrderTimeoutOptions.JDBC_PASSWORD, settings.externalDatabase.jobPassword());
            }
        }
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                settings.workDirectory.resolve("checkpoints").toAbsolutePath().toUri().toString());
        return config;
    }

    public String nameServerAddress() {
        return nameServerAddress;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Logins of the simulated shop: inserts orders, pays and cancels them, reads the tables. */
    public JdbcConnectionFactory shopConnections() {
        return shopConnections;
    }

    public SqlFlavor sqlFlavor() {
        return SqlFlavor.fromJdbcUrl(jdbcUrl);
    }

    /** True when the database was started here, so it holds nothing but this run (and the dead-letter table). */
    public boolean embeddedDatabase() {
        return database != null;
    }

    /** Base address of the cluster's REST API and web UI, e.g. http://localhost:8081. */
    public URI restAddress() {
        return restAddress;
    }

    /**
     * Where Flink's Prometheus reporter serves every metric of the cluster and the job in
     * Prometheus' text format, e.g. http://localhost:9249/metrics: the scrape target of a Prometheus.
     */
    public URI prometheusAddress() {
        return prometheusAddress;
    }

    public JobID jobId() {
        return jobId;
    }

    public Settings settings() {
        return settings;
    }

    /** Cancels the job (without draining: pending orders stay pending), then stops the cluster, broker and database. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cluster != null) {
            try {
                if (jobId != null) {
                    cluster.cancelJob(jobId).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    cluster.requestJobResult(jobId).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                LOG.warn("Cancelling job {} failed: {}", jobId, e.toString());
            }
            try {
                cluster.close();
            } catch (Exception e) {
                LOG.warn("Flink MiniCluster did not stop cleanly: {}", e.toString());
            }
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static ConfigOption<String> reporterOption(String key) {
        return ConfigOptions.key(ConfigConstants.METRICS_REPORTER_PREFIX + PROMETHEUS_REPORTER + "." + key)
                .stringType().noDefaultValue();
    }

    /** A port the OS has free now; the reporter binds it moments later (it cannot report a port 0 it chose). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the Prometheus reporter", e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What to start and how to configure the job. */
    public static final class Settings {
        private Duration payTimeout = Duration.ofSeconds(30);
        private Duration outOfOrderness = Duration.ofSeconds(2);
        private Duration idleTimeout = Duration.ofSeconds(3);
        private int parallelism = 2;
        private String restBindAddress = "127.0.0.1";
        private String restBindPort = "8081";
        private int prometheusPort;
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private Path workDirectory = Path.of(".local-run");
        private String externalNameServer;
        private ExternalDatabase externalDatabase;

        public Settings payTimeout(Duration payTimeout) {
            this.payTimeout = Objects.requireNonNull(payTimeout);
            return this;
        }

        public Settings outOfOrderness(Duration outOfOrderness) {
            this.outOfOrderness = Objects.requireNonNull(outOfOrderness);
            return this;
        }

        public Settings idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout);
            return this;
        }

        public Settings parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Flink's rest.bind-port syntax: a port, a range like 8081-8090, or 0 for any free port. */
        public Settings restBindPort(String restBindPort) {
            this.restBindPort = Objects.requireNonNull(restBindPort);
            return this;
        }

        /** Port of the Prometheus reporter's endpoint; 0 (the default): any free port. */
        public Settings prometheusPort(int prometheusPort) {
            this.prometheusPort = prometheusPort;
            return this;
        }

        public Settings restBindAddress(String restBindAddress) {
            this.restBindAddress = Objects.requireNonNull(restBindAddress);
            return this;
        }

        public Settings checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = Objects.requireNonNull(checkpointInterval);
            return this;
        }

        /** Checkpoints go to its {@code checkpoints/} subdirectory. */
        public Settings workDirectory(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory);
            return this;
        }

        /** Use this broker instead of starting one; topic {@value #TOPIC} must exist there. */
        Settings externalNameServer(String nameServerAddress) {
            this.externalNameServer = nameServerAddress;
            return this;
        }

        Settings externalDatabase(ExternalDatabase database) {
            this.externalDatabase = database;
            return this;
        }

        public Duration payTimeout() {
            return payTimeout;
        }

        public Duration outOfOrderness() {
            return outOfOrderness;
        }

        public Duration idleTimeout() {
            return idleTimeout;
        }
    }
}
