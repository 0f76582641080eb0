package io.ordertimeout.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.time.WallClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} and {@code reconcile} on PostgreSQL: a bootstrap savepoint, then a savepoint
 * taken by stop-with-savepoint from the real job running on it (the due orders closed, the others
 * pending). inspect agrees with the job's {@code pendingOrders} gauge at the stop and with what the
 * workload holds; reconcile is clean against the table the job wrote, then reports exactly the
 * differences seeded into the table (and exit code 1).
 */
class InspectReconcilePostgresTest {

    private static final String TOOLS_USER = "order_timeout_tools";
    private static final String TOOLS_PASSWORD = "tools-secret";
    private static final String JOB_PASSWORD = "job-secret";
    private static final Map<String, String> ENV = Map.of("ORDER_TIMEOUT_JDBC_PASSWORD", TOOLS_PASSWORD);
    private static final int DUE = 200;
    private static final int LATER = 400;

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    private static EmbeddedPostgresDatabase database;

    @TempDir
    Path directory;

    @BeforeAll
    static void startDatabase() {
        database = EmbeddedPostgresDatabase.start();
        database.applySchema();
        database.createJobUser(JOB_PASSWORD);
        database.executeScript("CREATE ROLE " + TOOLS_USER + " LOGIN PASSWORD '" + TOOLS_PASSWORD + "';\n"
                + "GRANT USAGE ON SCHEMA public TO " + TOOLS_USER + ";\n"
                + "GRANT SELECT ON orders TO " + TOOLS_USER + ";\n");
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void inspectAgreesWithTheJobAndReconcileFindsExactlyTheSeededDifferences() throws Exception {
        long now = System.currentTimeMillis();
        // p-0..p-199 due 1..10 min ago, p-200..p-599 due in 1 h .. 1 h 27 min.
        for (int i = 0; i < DUE + LATER; i++) {
            long deadline = i < DUE ? now - 600_000 + i * 2_700L : now + 3_600_000 + (i - DUE) * 4_000L;
            insertPending("p-" + i, deadline);
        }

        ToolRun bootstrap = ToolRun.of(ENV, with("bootstrap", "--output", directory.resolve("bootstrap").toString()));
        assertThat(bootstrap.exitCode()).as(bootstrap.toString()).isZero();
        String bootstrapped = directory.resolve("bootstrap").toString();

        JsonNode fresh = inspectJson(bootstrapped, "p-0");
        assertThat(fresh.path("orders").asLong()).isEqualTo(DUE + LATER);
        assertThat(fresh.path("byStatus").path("PENDING").asLong()).isEqualTo(DUE + LATER);
        assertThat(fresh.path("pendingOrdersCounter").asLong()).isEqualTo(DUE + LATER);
        assertThat(fresh.path("pendingWithoutDeadlineTimer").asLong()).isZero();
        assertThat(fresh.path("pendingDeadlines").path("overdue").asLong()).isEqualTo(DUE);
        assertThat(fresh.path("pendingDeadlines").path("30 min-2 h").asLong()).isEqualTo(LATER);
        assertThat(fresh.path("oldestPending").get(0).path("orderId").asText()).isEqualTo("p-0");
        assertThat(fresh.path("oldestPending")).hasSize(10);
        assertThat(fresh.path("order").path("status").asText()).isEqualTo("PENDING");
        assertThat(fresh.path("order").path("deadline").asLong()).isEqualTo(now - 600_000);
        assertThat(fresh.path("order").path("userId").asText()).isEqualTo("user-p-0");
        assertThat(fresh.path("order").path("timers").get(0).asLong()).isEqualTo(now - 600_000);

        ToolRun text = ToolRun.of(ENV, "inspect", "--savepoint", bootstrapped, "--order-id", "nope");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("PENDING    " + (DUE + LATER), "(matches)", "Order nope: not in the savepoint");

        // The real job on the bootstrap savepoint closes the due orders; then stop-with-savepoint.
        JobClient job = startJob(bootstrapped);
        String running;
        long gaugeAtStop;
        try {
            awaitAuditRows(DUE);
            gaugeAtStop = awaitGauge(job.getJobID(), LATER);
            running = job.stopWithSavepoint(false, directory.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            job.cancel().get(30, TimeUnit.SECONDS);
            throw e;
        }

        JsonNode afterRun = inspectJson(running, "p-0");
        assertThat(afterRun.path("byStatus").path("PENDING").asLong()).as("pending = the gauge at the stop")
                .isEqualTo(gaugeAtStop).isEqualTo(LATER);
        assertThat(afterRun.path("pendingOrdersCounter").asLong()).isEqualTo(gaugeAtStop);
        assertThat(afterRun.path("byStatus").path("CLOSED").asLong()).isEqualTo(DUE);
        assertThat(afterRun.path("pendingWithoutDeadlineTimer").asLong()).isZero();
        assertThat(afterRun.path("order").path("status").asText()).isEqualTo("CLOSED");

        ToolRun clean = ToolRun.of(ENV, with("reconcile", "--savepoint", running));
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("No differences");

        // Seed one difference of each kind, plus a new pending order not due yet (no difference).
        database.executeScript("UPDATE orders SET status = 'PAID' WHERE order_id IN ('p-300', 'p-301');\n"
                + "DELETE FROM orders WHERE order_id = 'p-302';\n"
                + "UPDATE orders SET status = 'PENDING_PAYMENT', close_reason = NULL, closed_at = NULL"
                + " WHERE order_id = 'p-5';\n");
        insertPending("x-1", now - 3_600_000);
        insertPending("x-2", now - 1_000_000);
        insertPending("y-1", now + 60_000);

        ToolRun differences = ToolRun.of(ENV, with("reconcile", "--savepoint", running, "--json"));
        assertThat(differences.exitCode()).as(differences.toString()).isEqualTo(1);
        JsonNode found = new ObjectMapper().readTree(differences.out());
        List<JsonNode> list = new ArrayList<>();
        found.path("list").forEach(list::add);
        assertThat(list).extracting(d -> d.path("kind").asText(), d -> d.path("orderId").asText(),
                        d -> d.path("tableStatus").asText(null))
                .containsExactlyInAnyOrder(
                        tuple("PENDING_IN_JOB_SETTLED_IN_TABLE", "p-300", "PAID"),
                        tuple("PENDING_IN_JOB_SETTLED_IN_TABLE", "p-301", "PAID"),
                        tuple("PENDING_IN_JOB_MISSING_FROM_TABLE", "p-302", null),
                        tuple("PENDING_IN_TABLE_UNKNOWN_TO_JOB", "x-1", "PENDING_PAYMENT"),
                        tuple("PENDING_IN_TABLE_UNKNOWN_TO_JOB", "x-2", "PENDING_PAYMENT"),
                        tuple("PENDING_IN_TABLE_FINISHED_IN_JOB", "p-5", "PENDING_PAYMENT"));

        ToolRun differencesText = ToolRun.of(ENV, with("reconcile", "--savepoint", running));
        assertThat(differencesText.exitCode()).isEqualTo(1);
        assertThat(differencesText.out()).contains("6 differences", "PENDING_IN_JOB_SETTLED_IN_TABLE p-300");
    }

    private String[] with(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--order-timeout.jdbc.url", database.jdbcUrl(), "--order-timeout.jdbc.user", TOOLS_USER));
        return all.toArray(String[]::new);
    }

    private static JsonNode inspectJson(String savepoint, String orderId) throws Exception {
        ToolRun inspect = ToolRun.of(ENV, "inspect", "--savepoint", savepoint, "--order-id", orderId, "--json");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        return new ObjectMapper().readTree(inspect.out());
    }

    private static void insertPending(String orderId, long deadline) throws Exception {
        try (Connection connection = database.adminConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO orders"
                        + " (order_id, user_id, amount_cents, currency, status, created_at)"
                        + " VALUES (?, ?, 100, 'EUR', 'PENDING_PAYMENT', ?)")) {
            insert.setString(1, orderId);
            insert.setString(2, "user-" + orderId);
            insert.setObject(3, OffsetDateTime.ofInstant(
                    Instant.ofEpochMilli(deadline - Duration.ofMinutes(30).toMillis()), ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    private JobClient startJob(String savepoint) throws Exception {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, database.jdbcUrl());
        config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
        config.set(OrderTimeoutOptions.JDBC_PASSWORD, JOB_PASSWORD);
        config.set(OrderTimeoutOptions.IDLE_TIMEOUT, Duration.ofSeconds(1));
        config.set(OrderTimeoutOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.resolve("checkpoints").toUri().toString());
        config.set(StateRecoveryOptions.SAVEPOINT_PATH, OrderTimeoutTools.location(savepoint));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        OrderTimeoutJob.define(env, config, new EmptyTopicSource(), WallClock.system());
        return env.executeAsync("order-timeout for inspect");
    }

    private static void awaitAuditRows(int expected) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long rows = -1;
        while (System.nanoTime() < giveUp) {
            try (Connection connection = database.adminConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT count(*) FROM order_timeout_log")) {
                rs.next();
                rows = rs.getLong(1);
            }
            if (rows == expected) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("audit rows: " + rows + ", expected " + expected);
    }

    private static long awaitGauge(JobID job, long expected) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long value = -1;
        while (System.nanoTime() < giveUp) {
            value = METRICS.findMetrics(job, "pendingOrders").values().stream()
                    .mapToLong(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                    .sum();
            if (value == expected) {
                break;
            }
            Thread.sleep(100);
        }
        return value;
    }
}
