package io.ordertimeout.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.time.WallClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The switch-over end to end on a real database: pending orders (deadlines in the past and some
 * seconds ahead) and settled ones in the orders table → {@code bootstrap} through the command line
 * with a read-only login → the real job (its JDBC sink, its RocksDB defaults, its watermarks)
 * started from that savepoint with an empty topic. Every pending order is closed exactly once,
 * the due ones at the first watermark, the others at their deadline; settled orders are left
 * alone; the {@code pendingOrders} gauge starts at the bootstrapped count (it ends at 0, not at
 * minus the count).
 */
abstract class BootstrapRestoreTestBase {

    static final String TOOLS_USER = "order_timeout_tools";
    static final String TOOLS_PASSWORD = "tools-secret";
    static final String JOB_PASSWORD = "job-secret";
    static final Duration PAY_TIMEOUT = Duration.ofMinutes(30);

    /**
     * A mini cluster reporting to {@code metrics}. Each subclass needs its own reporter and cluster:
     * a reporter is unregistered when its cluster stops, so a second cluster sharing it gets no
     * metrics at all (seen when both subclasses ran in one JVM).
     */
    static MiniClusterExtension miniCluster(InMemoryReporter metrics) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .setConfiguration(metrics.addToConfiguration(new Configuration()))
                .build());
    }

    /** The reporter of the subclass's own mini cluster. */
    abstract InMemoryReporter metrics();

    @TempDir
    Path directory;

    abstract TestDatabase database();

    abstract int pendingOrders();

    abstract int restoreParallelism();

    /** A deadline column the table gets for this test, or null: deadline = created_at + pay timeout. */
    String deadlineColumn() {
        return null;
    }

    /** Hook: runs after the job was started and stopped (statement statistics). */
    void afterJobRun() throws Exception {}

    @Test
    void bootstrapThenRestoreClosesEveryPendingOrderOnceAtItsDeadline() throws Exception {
        long seededAt = System.currentTimeMillis();
        Map<String, Long> deadlines = seed(seededAt);

        ToolRun bootstrap = ToolRun.of(Map.of("ORDER_TIMEOUT_JDBC_PASSWORD", TOOLS_PASSWORD), bootstrapArgs());
        assertThat(bootstrap.exitCode()).as(bootstrap.toString()).isZero();
        long due = deadlines.values().stream().filter(d -> d <= seededAt).count();
        assertThat(bootstrap.out()).as(bootstrap.toString())
                .contains("Bootstrapped " + pendingOrders() + " pending orders")
                .containsPattern("\\((" + due + "|\\d+) already past their deadline");
        String savepoint = directory.resolve("bootstrap").toUri().toString();

        long jobStarted = System.currentTimeMillis();
        JobClient job = startJob(savepoint);
        try {
            awaitAllClosed(deadlines.size(), deadlines.values().stream().mapToLong(Long::longValue).max().orElseThrow());
            awaitMetricSum(job.getJobID(), "pendingOrders", 0);
            Thread.sleep(1000); // a duplicate close would show up in this second
            assertThat(metricSum(job.getJobID(), "closes")).as("closes counted by the job").isEqualTo(pendingOrders());
            assertThat(metricSum(job.getJobID(), "pendingOrders"))
                    .as("pendingOrders gauge: started at the bootstrapped count, one less per close").isZero();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        Map<String, long[]> audit = audit();
        assertThat(audit.keySet()).as("one close decision per bootstrapped order, none for settled ones")
                .containsExactlyInAnyOrderElementsOf(deadlines.keySet());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Long> expected : deadlines.entrySet()) {
            long deadline = expected.getValue();
            long[] closed = audit.get(expected.getKey());
            if (closed[0] != deadline) {
                problems.add(expected.getKey() + ": deadline " + Instant.ofEpochMilli(closed[0]) + ", expected "
                        + Instant.ofEpochMilli(deadline));
            }
            if (closed[1] < deadline) {
                problems.add(expected.getKey() + ": closed before its deadline");
            }
            if (deadline < jobStarted && closed[1] > jobStarted + 20_000) {
                problems.add(expected.getKey() + ": due before the job started, closed only "
                        + (closed[1] - jobStarted) + " ms after the start");
            }
            if (deadline > jobStarted + 3_000 && closed[1] > deadline + 8_000) {
                problems.add(expected.getKey() + ": closed " + (closed[1] - deadline) + " ms after its deadline");
            }
        }
        assertThat(problems).as("close decisions vs deadlines").isEmpty();
        assertThat(settledStatuses()).as("settled orders untouched").containsOnly("PAID", "CANCELLED");
        afterJobRun();
    }

    String[] bootstrapArgs() {
        List<String> args = new ArrayList<>(List.of("bootstrap",
                "--output", directory.resolve("bootstrap").toString(),
                "--order-timeout.jdbc.url", database().jdbcUrl(),
                "--order-timeout.jdbc.user", TOOLS_USER,
                "--order-timeout.pay-timeout", "30min"));
        if (deadlineColumn() != null) {
            args.addAll(List.of("--order-timeout.tools.deadline-column", deadlineColumn()));
        }
        return args.toArray(String[]::new);
    }

    /**
     * Pending orders p-0..: 30% due up to 10 min ago, 70% due 10..30 s from now; 10% as many
     * settled orders (PAID, CANCELLED) that are long overdue. Returns the pending orders' deadlines.
     */
    private Map<String, Long> seed(long now) throws SQLException {
        int pending = pendingOrders();
        int past = pending * 3 / 10;
        Map<String, Long> deadlines = new HashMap<>();
        String columns = "order_id, user_id, amount_cents, currency, status, created_at"
                + (deadlineColumn() != null ? ", " + deadlineColumn() : "");
        String sql = "INSERT INTO orders (" + columns + ") VALUES (?, ?, ?, ?, ?, ?" + (deadlineColumn() != null ? ", ?" : "") + ")";
        try (Connection connection = database().adminConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            for (int i = 0; i < pending + pending / 10; i++) {
                boolean settled = i >= pending;
                long deadline = settled || i < past
                        ? now - 600_000 + (long) i * 600_000 / pending
                        : now + 10_000 + (long) (i - past) * 20_000 / (pending - past);
                String orderId = (settled ? "s-" : "p-") + i;
                insert.setString(1, orderId);
                insert.setString(2, "user-" + i);
                insert.setLong(3, 100 + i);
                insert.setString(4, "EUR");
                insert.setString(5, settled ? (i % 2 == 0 ? "PAID" : "CANCELLED") : "PENDING_PAYMENT");
                if (deadlineColumn() != null) {
                    // created_at deliberately not deadline - pay timeout: the deadline column must win
                    insert.setObject(6, timestamp(deadline - 3_600_000));
                    insert.setObject(7, timestamp(deadline));
                } else {
                    insert.setObject(6, timestamp(deadline - PAY_TIMEOUT.toMillis()));
                }
                insert.addBatch();
                if (!settled) {
                    deadlines.put(orderId, deadline);
                }
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
        return deadlines;
    }

    private Object timestamp(long millis) {
        return database().kind() == TestDatabase.Kind.POSTGRES
                ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC)
                : LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    private long millis(ResultSet rs, int column) throws SQLException {
        return database().kind() == TestDatabase.Kind.POSTGRES
                ? rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli()
                : rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private JobClient startJob(String savepoint) throws Exception {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, database().jdbcUrl());
        config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
        config.set(OrderTimeoutOptions.JDBC_PASSWORD, JOB_PASSWORD);
        config.set(OrderTimeoutOptions.IDLE_TIMEOUT, Duration.ofSeconds(1));
        config.set(OrderTimeoutOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.resolve("checkpoints").toUri().toString());
        config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(restoreParallelism());
        OrderTimeoutJob.define(env, config, new EmptyTopicSource(), WallClock.system());
        return env.executeAsync("order-timeout from bootstrap at parallelism " + restoreParallelism());
    }

    private void awaitAllClosed(int expected, long lastDeadline) throws Exception {
        long giveUp = Math.max(System.currentTimeMillis(), lastDeadline) + 30_000;
        long closed = -1;
        while (System.currentTimeMillis() < giveUp) {
            try (Connection connection = database().adminConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT count(*) FROM orders WHERE status = 'CLOSED' AND order_id LIKE 'p-%'")) {
                rs.next();
                closed = rs.getLong(1);
            }
            if (closed == expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("closed " + closed + " of " + expected + " bootstrapped orders");
    }

    /** order_id → {deadline, closed_at} of the audit table. */
    private Map<String, long[]> audit() throws SQLException {
        Map<String, long[]> audit = new HashMap<>();
        try (Connection connection = database().adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT order_id, deadline, closed_at, outcome FROM order_timeout_log")) {
            while (rs.next()) {
                assertThat(rs.getString(4)).as("outcome of " + rs.getString(1)).isEqualTo("APPLIED");
                audit.put(rs.getString(1), new long[] {millis(rs, 2), millis(rs, 3)});
            }
        }
        return audit;
    }

    private List<String> settledStatuses() throws SQLException {
        List<String> statuses = new ArrayList<>();
        try (Connection connection = database().adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT DISTINCT status FROM orders WHERE order_id LIKE 's-%'")) {
            while (rs.next()) {
                statuses.add(rs.getString(1));
            }
        }
        return statuses;
    }

    private long metricSum(JobID job, String name) {
        long sum = 0;
        for (Metric metric : metrics().findMetrics(job, name).values()) {
            if (metric instanceof Counter counter) {
                sum += counter.getCount();
            } else if (metric instanceof Gauge<?> gauge) {
                sum += ((Number) gauge.getValue()).longValue();
            }
        }
        return sum;
    }

    private void awaitMetricSum(JobID job, String name, long expected) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < giveUp && metricSum(job, name) != expected) {
            Thread.sleep(100);
        }
    }
}
