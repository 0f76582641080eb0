package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testing.ListOrderSource;
import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
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
 * orders with a known mix — paid in time, never paid, paid late, cancelled, cancelled then paid,
 * duplicated, out of order, invalid — against real PostgreSQL and real MariaDB, connecting as the
 * least-privilege user of {@code sql/*\/grants.sql}. The final database is compared row by row with
 * the ground truth: every unpaid order CLOSED exactly once, no paid order closed, exactly one
 * refund per late payment.
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

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("PostgreSQL", postgres), Arguments.of("MariaDB", mariaDb));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void finalDatabaseMatchesTheGroundTruthRowByRow(String name, TestDatabase database) throws Exception {
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
        OrderTimeoutJob.define(env, config, new ListOrderSource(payloads, OUT_OF_ORDERNESS), WallClock.system());

        JobExecutionResult result = env.execute("ground-truth-" + name);

        GroundTruthReport report;
        try (Connection admin = database.adminConnection()) {
            report = new GroundTruthCheck().withDeadLetterTable(true).check(admin, expected);
        }
        report.assertPassed();
        assertThat(expected.orderIdsWithStatus(OrderRowStatus.CLOSED)).hasSizeGreaterThan(1_000);
        assertThat(expected.refunds()).hasSizeGreaterThan(100);

        Map<String, Long> counters = countersOf(result);
        assertThat(counters.get("closes")).isEqualTo(expected.auditOrderIds().size());
        assertThat(counters.get("refunds")).isEqualTo(expected.refunds().size());
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
