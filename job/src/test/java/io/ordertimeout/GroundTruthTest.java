package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testing.ListOrderSource;
import io.ordertimeout.testing.SpreadListOrderSource;
import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.workload.Category;
import io.ordertimeout.testkit.workload.ExpectedOutcome;
import io.ordertimeout.testkit.workload.GroundTruthCheck;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.OrderRowStatus;
import io.ordertimeout.testkit.workload.OrderWorkload;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.testkit.workload.WorkloadEvent;
import io.ordertimeout.testkit.workload.WorkloadSpec;
import io.ordertimeout.time.WallClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job (parser, state machine on RocksDB, JDBC sinks) on a generated workload of 10,000
 * orders with a known mix — paid in time, never paid, paid late, cancelled, cancelled then paid
 * (seconds or minutes later), paid then cancelled seconds later, duplicated, out of order,
 * invalid — against real PostgreSQL and real MariaDB, connecting as the least-privilege user of
 * {@code sql/*\/grants.sql}. The final database is compared row by row with the ground truth: every
 * unpaid order CLOSED exactly once, no paid order closed, exactly one refund per late payment or
 * payment of a cancelled order, none for a payment the database accepted.
 *
 * <p>Each workload is read in two ways: as one list by one source subtask, and spread over four
 * source subtasks the way a plain RocketMQ producer spreads one order's events over queues, so
 * that which of an order's events the job reads first varies (DESIGN.md §3: arrival order never
 * decides money).
 */
class GroundTruthTest {

    private static final String PASSWORD = "job-secret-for-tests";
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    private static EmbeddedPostgresDatabase postgres;
    private static EmbeddedMariaDbDatabase mariaDb;

    @BeforeAll
    static void startDatabases() {
        postgres = EmbeddedPostgresDatabase.start();
        mariaDb = EmbeddedMariaDbDatabase.start();
        for (TestDatabase database : List.of(postgres, mariaDb)) {
            database.applySchema();
            database.createJobUser(PASSWORD);
        }
    }

    @AfterAll
    static void stopDatabases() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    /** Source splits: 1 = the list as it is, more = one order's events spread over them. */
    static Stream<Arguments> databasesAndSplits() {
        return Stream.of(
                Arguments.of("PostgreSQL", postgres, 1),
                Arguments.of("MariaDB", mariaDb, 1),
                Arguments.of("PostgreSQL", postgres, 4),
                Arguments.of("MariaDB", mariaDb, 4));
    }

    // The servers are shared by the runs: JUnit must not close them after each one.
    @ParameterizedTest(name = "{0}, {2} source split(s)", autoCloseArguments = false)
    @MethodSource("databasesAndSplits")
    void finalDatabaseMatchesTheGroundTruthRowByRow(String name, TestDatabase database, int splits) throws Exception {
        database.deleteAllRows();
        WorkloadSpec spec = WorkloadSpec.builder()
                .orderCount(10_000)
                .start(Instant.parse("2026-01-05T08:00:00Z"))
                .payTimeout(Duration.ofMinutes(1))
                .outOfOrderness(OUT_OF_ORDERNESS)
                .seed(20261126L)
                .build();
        OrderWorkload workload = OrderWorkload.generate(spec);
        ExpectedOutcome expected = workload.expected();
        try (Connection admin = database.adminConnection()) {
            workload.insertInitialRows(admin, SqlFlavor.of(admin));
        }

        Configuration config = new Configuration();
        config.setString("order-timeout.pay-timeout", "1 min");
        config.setString("order-timeout.watermark.out-of-orderness", OUT_OF_ORDERNESS.toSeconds() + " s");
        config.setString("order-timeout.jdbc.url", database.jdbcUrl());
        config.setString("order-timeout.jdbc.user", TestDatabase.JOB_USER);
        config.setString("order-timeout.jdbc.password", PASSWORD);
        config.setString("order-timeout.jdbc.batch-size", "200");
        config.setString("order-timeout.db.dead-letter-table", "order_event_dead_letter");
        config.setString("execution.checkpointing.interval", "1 s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        List<byte[]> payloads = workload.events().stream().map(WorkloadEvent::json).collect(Collectors.toList());
        SpreadListOrderSource spread = null;
        if (splits == 1) {
            OrderTimeoutJob.define(env, config, new ListOrderSource(payloads, OUT_OF_ORDERNESS), WallClock.system());
        } else {
            List<String> keys = workload.events().stream().map(WorkloadEvent::key).collect(Collectors.toList());
            // Splits up to 256 messages (about 10 s of event time) apart: a consumer catching up
            // reads its queues at different speeds, so a late payment can come before its close.
            spread = new SpreadListOrderSource(payloads, keys, splits, 256, OUT_OF_ORDERNESS);
            OrderTimeoutJob.define(env, config, spread, WallClock.system());
        }

        JobExecutionResult result = env.execute("ground-truth-" + name + "-" + splits);

        GroundTruthReport report;
        try (Connection admin = database.adminConnection()) {
            report = new GroundTruthCheck().withDeadLetterTable(true).check(admin, expected);
        }
        report.assertPassed();
        assertThat(expected.orderIdsWithStatus(OrderRowStatus.CLOSED)).hasSizeGreaterThan(1_000);
        assertThat(expected.refunds()).hasSizeGreaterThan(100);
        assertThat(expected.categoryCounts().get(Category.CANCELLED_THEN_PAID_SOON)).isGreaterThan(100);
        assertThat(expected.guardedRefundRequests()).isGreaterThan(100);
        if (spread != null) {
            assertThat(spread.overtakenMessages()).as("events of one order read against list order").isPositive();
        }

        Map<String, Long> counters = countersOf(result);
        assertThat(counters.get("closes")).isEqualTo(expected.auditOrderIds().size());
        assertThat(counters.get("refunds")).isEqualTo(expected.refunds().size() + expected.guardedRefundRequests());
        assertThat(counters.get("deadLetters")).isEqualTo(expected.deadLetters());
        assertThat(counters.get("duplicates")).isPositive();
    }

    private static Map<String, Long> countersOf(JobExecutionResult result) {
        return Stream.of("closes", "refunds", "deadLetters", "duplicates").collect(Collectors.toMap(
                name -> name,
                name -> METRICS.findMetrics(result.getJobID(), "orderTimeout." + name).values().stream()
                        .mapToLong(metric -> ((Counter) metric).getCount())
                        .sum()));
    }
}
