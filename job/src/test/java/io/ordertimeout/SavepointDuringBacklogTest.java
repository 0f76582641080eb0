package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.testing.Throttle;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.AuditExpectation;
import io.ordertimeout.testkit.workload.Category;
import io.ordertimeout.testkit.workload.EventJson;
import io.ordertimeout.testkit.workload.EventKind;
import io.ordertimeout.testkit.workload.EventPublisher;
import io.ordertimeout.testkit.workload.ExpectedOrder;
import io.ordertimeout.testkit.workload.ExpectedOutcome;
import io.ordertimeout.testkit.workload.ExpectedRefund;
import io.ordertimeout.testkit.workload.GroundTruthCheck;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.InitialOrderRow;
import io.ordertimeout.testkit.workload.OrderRowStatus;
import io.ordertimeout.testkit.workload.OrderRowWriter;
import io.ordertimeout.testkit.workload.OrderWorkload;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.testkit.workload.WorkloadSpec;
import io.ordertimeout.time.WallClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.CommonTestUtils;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade the user measured in issue 8 (30 of 30 refunds missing): the shop cancels an order
 * and the customer pays 2 s later anyway; the order service's CREATED and CANCELLED sit in queue 0
 * behind a backlog of about 1,900 messages, the payment service's ORDER_PAID goes to an idle queue;
 * the job is stopped with a savepoint while it is still reading the backlog and resubmitted from
 * it at another parallelism (1 → 3). Real broker (4 queues), real PostgreSQL, the production job
 * with a throttle after its source (the same uid in both runs) so that the backlog is read slowly.
 * A quarter of these racing orders go the other way (paid, then cancelled 2 s later, the cancel
 * overtaking): the job requests a refund and the database guard turns it down.
 *
 * <p>Half of the overtaking events are published before the stop and read in the first run,
 * before the events behind the backlog: they cross the upgrade in the savepoint. The other half
 * are published while the job is down and read first in the second run. DESIGN.md §3: arrival
 * order never decides money, so every cancelled-then-paid order gets its refund
 * (PAID_AFTER_CANCEL), no other refund is written, the backlog ends as its ground truth says
 * (unpaid orders closed once, paid and cancelled ones never), and neither run restarts.
 */
class SavepointDuringBacklogTest {

    private static final String PASSWORD = "savepoint-backlog-secret";
    private static final String TOPIC = "orders-upgrade-during-backlog";
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration PAY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Per source subtask. The first run reads the ~1,900-message backlog in about 10 s, so that it
     * is surely in the middle of it when stopped, however long its tasks take to start; the second
     * run reads faster to keep the test short.
     */
    private static final double RECORDS_PER_SECOND_BEFORE_UPGRADE = 200;
    private static final double RECORDS_PER_SECOND_AFTER_UPGRADE = 400;
    private static final String BACKLOG_PREFIX = "backlog-";
    private static final String CANCELLED_THEN_PAID_PREFIX = "cancel-pay-";
    private static final String PAID_THEN_CANCELLED_PREFIX = "pay-cancel-";
    /** The measured case (30 of 30 refunds missing). */
    private static final int CANCELLED_THEN_PAID_ORDERS = 36;
    /** The other way round; the database guard turns their refund requests down. */
    private static final int PAID_THEN_CANCELLED_ORDERS = 12;
    /** How far into the backlog the first run reads before it is stopped. */
    private static final int BACKLOG_READ_BEFORE_STOP = 300;

    private static final String BEFORE_UPGRADE = "before-upgrade";
    private static final String AFTER_UPGRADE = "after-upgrade";

    private static final Logger LOG = LoggerFactory.getLogger(SavepointDuringBacklogTest.class);
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    private static EmbeddedRocketMq broker;
    private static EmbeddedPostgresDatabase database;

    @TempDir
    Path checkpoints;

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

    @Test
    void everyRefundOfACancelledThenPaidOrderIsWrittenAfterAnUpgradeInTheMiddleOfABacklog(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        broker.createTopic(TOPIC, 4);
        OrderWorkload backlog = OrderWorkload.generate(WorkloadSpec.builder()
                .orderCount(1_000)
                .start(Instant.now().minus(Duration.ofMinutes(15)))
                .payTimeout(PAY_TIMEOUT)
                .outOfOrderness(BOUND)
                .createInterval(Duration.ofMillis(100))
                .mix(Map.of(Category.PAID_IN_TIME, 0.75, Category.NEVER_PAID, 0.10, Category.CANCELLED, 0.15))
                .invalidMessages(0)
                .orderIdPrefix(BACKLOG_PREFIX)
                .seed(8)
                .build());
        RacingOrders racing = new RacingOrders(backlog.lastEventTime().toEpochMilli() + 1_000);
        ExpectedOutcome expected = racing.addTo(backlog.expected());
        try (Connection admin = database.adminConnection()) {
            backlog.insertInitialRows(admin, SqlFlavor.POSTGRES);
            OrderRowWriter.insert(admin, SqlFlavor.POSTGRES, racing.rows);
        }
        List<Message> overtakingBeforeUpgrade = racing.overtaking.subList(0, racing.overtaking.size() / 2);
        List<Message> overtakingDuringUpgrade = racing.overtaking.subList(
                racing.overtaking.size() / 2, racing.overtaking.size());

        try (RocketMqEventPublisher orderService = RocketMqEventPublisher.start(broker.nameServerAddress(), TOPIC,
                        "order-service");
                RocketMqEventPublisher paymentService = RocketMqEventPublisher.start(broker.nameServerAddress(), TOPIC,
                        "payment-service")) {
            EventPublisher queue0 = orderService.toQueue(0);
            int backlogMessages = backlog.publishTo(queue0);
            racing.behindBacklog.forEach(message -> message.publishTo(queue0));
            publishToQueues1To3(paymentService, overtakingBeforeUpgrade);

            JobClient first = submit(miniCluster, 1, null);
            awaitTrue("the first run read the overtaking events published so far and " + BACKLOG_READ_BEFORE_STOP
                            + " backlog messages", Duration.ofSeconds(60),
                    () -> ArrivalLog.racingEventsRead(BEFORE_UPGRADE) >= overtakingBeforeUpgrade.size()
                            && ArrivalLog.backlogRead(BEFORE_UPGRADE) >= BACKLOG_READ_BEFORE_STOP);
            String savepoint = first.stopWithSavepoint(false, checkpoints.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

            LOG.info("Stopped with savepoint {} after {} of {} backlog messages and {} events of racing orders",
                    savepoint, ArrivalLog.backlogRead(BEFORE_UPGRADE), backlogMessages,
                    ArrivalLog.racingEventsRead(BEFORE_UPGRADE));
            assertThat(ArrivalLog.backlogRead(BEFORE_UPGRADE)).as("backlog messages read before the upgrade")
                    .isLessThan(backlogMessages);
            assertThat(ArrivalLog.racingEventsRead(BEFORE_UPGRADE))
                    .as("events of racing orders read before the upgrade: none of those behind the backlog")
                    .isEqualTo(overtakingBeforeUpgrade.size());
            assertThat(countRows("refund_request")).as("refunds written before the upgrade").isZero();
            assertThat(countRows("orders WHERE status = 'CLOSED'")).as("orders closed before the upgrade")
                    .isLessThan(expected.auditOrderIds().size());
            assertThat(numRestarts(first.getJobID())).as("restarts of the first run").isZero();

            publishToQueues1To3(paymentService, overtakingDuringUpgrade);
            JobClient second = submit(miniCluster, 3, savepoint);
            try {
                GroundTruthReport report = awaitGroundTruth(expected, Duration.ofSeconds(60));
                Thread.sleep(IDLE.plus(BOUND).toMillis() + 1_000); // a duplicate or extra row would show up now
                report = groundTruth(expected);
                report.assertPassed();
                assertThat(report.actualRefunds()).isEqualTo(CANCELLED_THEN_PAID_ORDERS);
                assertThat(report.actualAudits()).isEqualTo(expected.auditOrderIds().size()).isPositive();
                assertThat(counterSum(second.getJobID(), "orderTimeout.refunds"))
                        .as("refund requests after the upgrade: one per racing order, the guard decides")
                        .isEqualTo(CANCELLED_THEN_PAID_ORDERS + PAID_THEN_CANCELLED_ORDERS);
                assertThat(numRestarts(second.getJobID())).as("restarts of the second run").isZero();
            } finally {
                second.cancel().get(30, TimeUnit.SECONDS);
                // Before the servers stop: a job still cancelling would log broker errors.
                awaitTrue("second run cancelled", Duration.ofSeconds(30),
                        () -> second.getJobStatus().get().isTerminalState());
            }
        }

        // What made this the measured case: every order's second follow-up overtook its CREATED and
        // first follow-up, and the ones read before the upgrade were never read again (their
        // offsets are in the savepoint), so what the job did with them came from state restored at
        // the new parallelism.
        for (Message overtaking : racing.overtaking) {
            String run = overtakingBeforeUpgrade.contains(overtaking) ? BEFORE_UPGRADE : AFTER_UPGRADE;
            assertThat(ArrivalLog.arrivalsOf(overtaking.key)).as("arrivals of %s", overtaking.key).containsExactly(
                    run + "/" + overtaking.kind.tag(),
                    AFTER_UPGRADE + "/" + EventKind.CREATED.tag(),
                    AFTER_UPGRADE + "/" + racing.firstFollowUp.get(overtaking.key).tag());
        }
    }

    /** The other service's producer, spreading its events over the queues that have no backlog. */
    private static void publishToQueues1To3(RocketMqEventPublisher publisher, List<Message> messages) {
        for (int i = 0; i < messages.size(); i++) {
            messages.get(i).publishTo(publisher.toQueue(1 + i % 3));
        }
    }

    /** Returns once every task runs: a savepoint can be taken only then, as with {@code flink stop}. */
    private JobClient submit(MiniCluster miniCluster, int parallelism, String savepoint) throws Exception {
        String run = savepoint == null ? BEFORE_UPGRADE : AFTER_UPGRADE;
        Configuration config = new Configuration();
        config.setString("order-timeout.rocketmq.namesrv-addr", broker.nameServerAddress());
        config.setString("order-timeout.rocketmq.topic", TOPIC);
        config.setString("order-timeout.rocketmq.consumer-group", "order-timeout-upgrade");
        config.setString("order-timeout.rocketmq.start-from", "earliest");
        config.setString("order-timeout.rocketmq.queue-discovery-interval", "1 s");
        config.setString("order-timeout.pay-timeout", PAY_TIMEOUT.toSeconds() + " s");
        config.setString("order-timeout.watermark.out-of-orderness", BOUND.toMillis() + " ms");
        config.setString("order-timeout.watermark.idle-timeout", IDLE.toMillis() + " ms");
        config.setString("order-timeout.jdbc.url", database.jdbcUrl());
        config.setString("order-timeout.jdbc.user", TestDatabase.JOB_USER);
        config.setString("order-timeout.jdbc.password", PASSWORD);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve("checkpoints").toUri().toString());
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        // The restart strategy stays the production default (exponential delay): a failure would
        // not fail the job but show up as a restart, which the test counts.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        RocketMqOrderSource rocketMq = RocketMqOrderSource.from(config);
        OrderTimeoutJob.define(env, config, (environment, watermarks) -> {
            DataStream<OrderMessage> messages = rocketMq.create(environment, watermarks);
            return messages
                    .map(new Throttle<>(savepoint == null
                            ? RECORDS_PER_SECOND_BEFORE_UPGRADE
                            : RECORDS_PER_SECOND_AFTER_UPGRADE)).returns(OrderMessage.class)
                    .name("Read the backlog slowly").uid("throttle")
                    .map(new ArrivalLog(run)).returns(OrderMessage.class)
                    .name("Log arrivals").uid("arrival-log");
        }, WallClock.system());
        JobClient job = env.executeAsync("upgrade-during-backlog-" + run);
        CommonTestUtils.waitForAllTaskRunning(miniCluster, job.getJobID(), false);
        return job;
    }

    private static GroundTruthReport awaitGroundTruth(ExpectedOutcome expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        GroundTruthReport report = groundTruth(expected);
        while (!report.passed() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            report = groundTruth(expected);
        }
        return report;
    }

    private static GroundTruthReport groundTruth(ExpectedOutcome expected) throws Exception {
        try (Connection admin = database.adminConnection()) {
            return new GroundTruthCheck().check(admin, expected);
        }
    }

    private static long countRows(String from) throws Exception {
        try (Connection admin = database.adminConnection();
                Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long counterSum(JobID job, String counter) {
        return METRICS.findMetrics(job, counter).values().stream()
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }

    /** The job's numRestarts gauge; fails when the job has not reported it. */
    private static long numRestarts(JobID job) {
        List<Long> values = METRICS.findMetrics(job, "numRestarts").values().stream()
                .map(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                .toList();
        assertThat(values).as("numRestarts of job %s", job).isNotEmpty();
        return values.stream().mapToLong(Long::longValue).sum();
    }

    private static void awaitTrue(String what, Duration timeout, CheckedCondition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition {
        boolean holds() throws Exception;
    }

    /** One message as a producer sends it. */
    private record Message(String key, EventKind kind, long occurredAt, byte[] json) {
        void publishTo(EventPublisher publisher) {
            publisher.publish(key, kind.tag(), json);
        }
    }

    /**
     * Orders at which the shop and the customer raced, their two follow-ups 2 s apart: cancelled
     * then paid (the measured case: the payment service found no pending row and published
     * ORDER_PAID anyway; row CANCELLED, one refund PAID_AFTER_CANCEL) and, every fourth, paid then
     * cancelled (the shop's cancel found no pending row; row PAID, the job requests a refund and
     * the database guard turns it down). CREATED and the first follow-up (1 s after it) sit in
     * queue 0 behind the backlog; the second follow-up is published by the other service's
     * producer to an idle queue and overtakes them.
     */
    private static final class RacingOrders {
        final List<InitialOrderRow> rows = new ArrayList<>();
        final List<ExpectedOrder> orders = new ArrayList<>();
        final List<ExpectedRefund> refunds = new ArrayList<>();
        /** CREATED and the first follow-up of every order, in event-time order. */
        final List<Message> behindBacklog = new ArrayList<>();
        /** The second follow-up of every order. */
        final List<Message> overtaking = new ArrayList<>();
        final Map<String, EventKind> firstFollowUp = new HashMap<>();

        RacingOrders(long firstCreatedAt) {
            for (int i = 0; i < CANCELLED_THEN_PAID_ORDERS + PAID_THEN_CANCELLED_ORDERS; i++) {
                boolean cancelledFirst = i % 4 != 3;
                String orderId = (cancelledFirst ? CANCELLED_THEN_PAID_PREFIX : PAID_THEN_CANCELLED_PREFIX) + i;
                long createdAt = firstCreatedAt + i * 200L;
                long firstAt = createdAt + 1_000;
                long secondAt = firstAt + 2_000;
                String userId = "u-" + i;
                long amountCents = 1_000 + i;
                String paymentId = "pay-" + orderId;
                Message cancel = new Message(orderId, EventKind.CANCELLED, cancelledFirst ? firstAt : secondAt,
                        EventJson.cancelled(orderId, orderId + "-cancel", cancelledFirst ? firstAt : secondAt, false));
                Message payment = new Message(orderId, EventKind.PAID, cancelledFirst ? secondAt : firstAt,
                        EventJson.paid(orderId, orderId + "-pay", cancelledFirst ? secondAt : firstAt, i % 2 == 0,
                                paymentId));
                behindBacklog.add(new Message(orderId, EventKind.CREATED, createdAt, EventJson.created(orderId,
                        orderId + "-create", createdAt, true, (int) PAY_TIMEOUT.toSeconds(), userId, amountCents,
                        "EUR")));
                behindBacklog.add(cancelledFirst ? cancel : payment);
                overtaking.add(cancelledFirst ? payment : cancel);
                firstFollowUp.put(orderId, cancelledFirst ? EventKind.CANCELLED : EventKind.PAID);
                OrderRowStatus status = cancelledFirst ? OrderRowStatus.CANCELLED : OrderRowStatus.PAID;
                Category category = cancelledFirst ? Category.CANCELLED_THEN_PAID_SOON
                        : Category.PAID_THEN_CANCELLED_SOON;
                rows.add(new InitialOrderRow(orderId, userId, amountCents, "EUR", status,
                        Instant.ofEpochMilli(createdAt)));
                orders.add(new ExpectedOrder(orderId, category, category, status, AuditExpectation.FORBIDDEN,
                        Instant.ofEpochMilli(createdAt), Instant.ofEpochMilli(createdAt).plus(PAY_TIMEOUT), userId,
                        amountCents, "EUR"));
                if (cancelledFirst) {
                    refunds.add(new ExpectedRefund(orderId, paymentId, ExpectedRefund.Reason.PAID_AFTER_CANCEL));
                }
            }
            behindBacklog.sort(Comparator.comparingLong(Message::occurredAt));
        }

        /** The backlog's ground truth plus these orders. */
        ExpectedOutcome addTo(ExpectedOutcome backlog) {
            List<ExpectedOrder> allOrders = new ArrayList<>(backlog.orders().values());
            allOrders.addAll(orders);
            List<ExpectedRefund> allRefunds = new ArrayList<>(backlog.refunds());
            allRefunds.addAll(refunds);
            return new ExpectedOutcome(allOrders, allRefunds, backlog.deadLetters(),
                    backlog.guardedRefundRequests() + PAID_THEN_CANCELLED_ORDERS);
        }
    }

    /**
     * Records, per run, which events passed the source: how many of the backlog, and the arrival
     * order of the measured orders' events. Static, because the MiniCluster runs in this JVM and
     * the function instances are copies.
     */
    static final class ArrivalLog implements MapFunction<OrderMessage, OrderMessage> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, AtomicInteger> BACKLOG_READ = new ConcurrentHashMap<>();
        private static final Map<String, Queue<String>> ARRIVALS = new ConcurrentHashMap<>();

        private final String run;

        ArrivalLog(String run) {
            this.run = run;
        }

        @Override
        public OrderMessage map(OrderMessage message) {
            if (message.isValid()) {
                String orderId = message.event.orderId;
                if (orderId.startsWith(BACKLOG_PREFIX)) {
                    BACKLOG_READ.computeIfAbsent(run, r -> new AtomicInteger()).incrementAndGet();
                } else {
                    ARRIVALS.computeIfAbsent(orderId, id -> new ConcurrentLinkedQueue<>())
                            .add(run + "/" + message.event.type);
                }
            }
            return message;
        }

        static int backlogRead(String run) {
            return BACKLOG_READ.computeIfAbsent(run, r -> new AtomicInteger()).get();
        }

        /** In arrival order, each as "run/type". */
        static List<String> arrivalsOf(String orderId) {
            return List.copyOf(ARRIVALS.getOrDefault(orderId, new ConcurrentLinkedQueue<>()));
        }

        static long racingEventsRead(String run) {
            return ARRIVALS.values().stream().flatMap(Queue::stream).filter(entry -> entry.startsWith(run + "/"))
                    .count();
        }
    }
}
