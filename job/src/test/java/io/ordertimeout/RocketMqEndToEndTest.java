package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.testing.FailOnceAfter;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.GroundTruthCheck;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.LiveOrderSimulator;
import io.ordertimeout.testkit.workload.QueueSelection;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.time.WallClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production job end to end: a real RocketMQ broker → the job's RocketMQ source → timeout
 * state on RocksDB → JDBC sinks → a real PostgreSQL, with live orders whose payment service writes
 * the database before it publishes (DESIGN.md §4), published with the queue chosen by orderId
 * hash and, like a plain {@code producer.send(msg)}, over the queues in turn (DESIGN.md §2, §3).
 */
class RocketMqEndToEndTest {

    private static final String PASSWORD = "e2e-job-secret";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .build());

    private static EmbeddedRocketMq broker;
    private static EmbeddedPostgresDatabase database;

    @BeforeAll
    static void startServers() {
        broker = EmbeddedRocketMq.start();
        database = EmbeddedPostgresDatabase.start();
        database.applySchema();
        database.createJobUser(PASSWORD);
    }

    @AfterAll
    static void stopServers() {
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Each test judges the whole database, so each starts from empty tables. */
    @BeforeEach
    void emptyTables() {
        database.deleteAllRows();
    }

    private static Configuration jobConfig(String topic, Duration payTimeout, Duration bound, Duration idle) {
        Configuration config = new Configuration();
        config.setString("order-timeout.rocketmq.namesrv-addr", broker.nameServerAddress());
        config.setString("order-timeout.rocketmq.topic", topic);
        config.setString("order-timeout.rocketmq.consumer-group", "order-timeout-" + topic);
        config.setString("order-timeout.rocketmq.queue-discovery-interval", "1 s");
        config.setString("order-timeout.pay-timeout", payTimeout.toMillis() + " ms");
        config.setString("order-timeout.watermark.out-of-orderness", bound.toMillis() + " ms");
        config.setString("order-timeout.watermark.idle-timeout", idle.toMillis() + " ms");
        config.setString("order-timeout.jdbc.url", database.jdbcUrl());
        config.setString("order-timeout.jdbc.user", TestDatabase.JOB_USER);
        config.setString("order-timeout.jdbc.password", PASSWORD);
        config.setString("execution.checkpointing.interval", "500 ms");
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return config;
    }

    private static JobClient start(Configuration config, OrderMessageSource source) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        OrderTimeoutJob.define(env, config, source, WallClock.system());
        JobClient job = env.executeAsync("e2e");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertThat(System.nanoTime()).as("job running within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        return job;
    }

    @ParameterizedTest
    @EnumSource(value = QueueSelection.class, names = {"ORDER_ID_HASH", "ROUND_ROBIN"})
    void liveOrdersWithAFailureMidRunEndAsTheGroundTruthSays(QueueSelection queues) throws Exception {
        String topic = "orders-live-" + queues.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        broker.createTopic(topic, 4);
        Duration payTimeout = Duration.ofSeconds(3);
        Configuration config = jobConfig(topic, payTimeout, Duration.ofSeconds(1), Duration.ofSeconds(1));
        RocketMqOrderSource rocketMq = RocketMqOrderSource.from(config);
        FailOnceAfter<OrderMessage> failure = new FailOnceAfter<>(300);
        JobClient job = start(config, (env, watermarks) -> {
            DataStream<OrderMessage> messages = rocketMq.create(env, watermarks);
            return messages.map(failure).returns(OrderMessage.class).name("Injected failure").uid("inject-failure");
        });

        GroundTruthReport report;
        try (RocketMqEventPublisher publisher = RocketMqEventPublisher.start(broker.nameServerAddress(), topic, queues);
                LiveOrderSimulator orders = LiveOrderSimulator.builder()
                        .publisher(publisher)
                        .database((JdbcConnectionFactory) database::adminConnection, SqlFlavor.POSTGRES)
                        .ordersPerSecond(40)
                        .payTimeout(payTimeout)
                        .latePaymentDelay(Duration.ofSeconds(2))
                        .maxDuration(Duration.ofSeconds(10))
                        .seed(7)
                        .build()) {
            orders.start();
            while (orders.isCreating()) {
                Thread.sleep(200);
            }
            assertThat(orders.awaitFollowUps(Duration.ofSeconds(30))).as("late payments and cancels sent").isTrue();
            report = awaitGroundTruth(orders);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        assertThat(failure.hasFailed()).as("the failure was injected").isTrue();
        report.assertPassed();
        assertThat(report.actualRefunds()).isPositive();
        assertThat(report.actualAudits()).isGreaterThan(10);
    }

    /** Deadlines of the last orders pass only when the quiet stream's watermark follows the clock. */
    private static GroundTruthReport awaitGroundTruth(LiveOrderSimulator orders) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        GroundTruthReport report;
        do {
            Thread.sleep(500);
            try (Connection admin = database.adminConnection()) {
                report = new GroundTruthCheck().check(admin, orders.expectedOutcome());
            }
        } while (!report.passed() && System.nanoTime() < deadline);
        return report;
    }

    @Test
    void quietStreamClosesWithinIdleTimeoutPlusBoundOfTheDeadlineAndIdleQueuesDoNotHoldItBack() throws Exception {
        String topic = "orders-quiet";
        broker.createTopic(topic, 4);
        Duration bound = Duration.ofSeconds(1);
        Duration idle = Duration.ofSeconds(2);
        Configuration config = jobConfig(topic, Duration.ofMinutes(30), bound, idle);
        JobClient job = start(config, RocketMqOrderSource.from(config));
        try {
            Thread.sleep(idle.toMillis()); // the reader has its splits; queues 1-3 will never see an event
            long occurredAt = System.currentTimeMillis();
            long deadline = occurredAt + 2_000;
            try (Connection admin = database.adminConnection();
                    PreparedStatement insert = admin.prepareStatement(
                            "INSERT INTO orders (order_id, status, created_at) VALUES ('quiet-1', 'PENDING_PAYMENT', ?)")) {
                insert.setTimestamp(1, new Timestamp(occurredAt));
                insert.executeUpdate();
            }
            broker.sendStrings(topic, 0, List.of("{\"type\":\"ORDER_CREATED\",\"orderId\":\"quiet-1\",\"occurredAt\":"
                    + occurredAt + ",\"payTimeoutSeconds\":2}"));

            long closedAt = awaitClosedAt("quiet-1", Duration.ofSeconds(30));

            assertThat(closedAt - deadline)
                    .as("close lateness with no further event on any queue")
                    .isBetween(0L, idle.plus(bound).plusSeconds(1).toMillis());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static long awaitClosedAt(String orderId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection admin = database.adminConnection();
                    PreparedStatement query = admin.prepareStatement(
                            "SELECT closed_at FROM orders WHERE order_id = ? AND status = 'CLOSED'")) {
                query.setString(1, orderId);
                try (ResultSet row = query.executeQuery()) {
                    if (row.next()) {
                        return row.getTimestamp(1).getTime();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(orderId + " not closed within " + timeout);
    }
}
