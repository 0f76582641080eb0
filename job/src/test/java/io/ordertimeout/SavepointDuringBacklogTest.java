package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderEventType;
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
 * behind a backlog of about 2,000 messages, the payment service's ORDER_PAID goes to an idle queue;
 * the job is stopped with a savepoint while it is still reading the backlog and resubmitted from
 * it at another parallelism (1 → 3). Real broker (4 queues), real PostgreSQL, the production job
 * with a throttle after its source (the same uid in both runs) so that the backlog is read slowly.
 *
 * <p>Half of these payments are published before the stop and read in the first run, before their
 * cancels: the payment crosses the upgrade in the savepoint, the cancel is read only after the
 * restore. The other half are published while the job is down and read in the second run, again
 * before their cancels. DESIGN.md §3: arrival order never decides money, so every one of these
 * orders gets its refund (PAID_AFTER_CANCEL), the backlog ends as its ground truth says (unpaid
 * orders closed once, paid and cancelled ones never), and neither run restarts.
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
    private static final int CANCELLED_THEN_PAID_ORDERS = 36;
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
        CancelledThenPaid cancelledThenPaid = new CancelledThenPaid(backlog.lastEventTime().toEpochMilli() + 1_000);
        ExpectedOutcome expected = cancelledThenPaid.addTo(backlog.expected());
        try (Connection admin = database.adminConnection()) {
            backlog.insertInitialRows(admin, SqlFlavor.POSTGRES);
            OrderRowWriter.insert(admin, SqlFlavor.POSTGRES, cancelledThenPaid.rows);
        }

        try (RocketMqEventPublisher orderService = RocketMqEventPublisher.start(broker.nameServerAddress(), TOPIC,
                        "order-service");
                RocketMqEventPublisher paymentService = RocketMqEventPublisher.start(broker.nameServerAddress(), TOPIC,
                        "payment-service")) {
            EventPublisher queue0 = orderService.toQueue(0);
            int backlogMessages = backlog.publishTo(queue0);
            cancelledThenPaid.orderServiceEvents.forEach(event -> event.publishTo(queue0));
            List<Message> paidBeforeUpgrade = cancelledThenPaid.payments.subList(0, CANCELLED_THEN_PAID_ORDERS / 2);
            List<Message> paidDuringUpgrade = cancelledThenPaid.payments.subList(
                    CANCELLED_THEN_PAID_ORDERS / 2, CANCELLED_THEN_PAID_ORDERS);
            publishToQueues1To3(paymentService, paidBeforeUpgrade);

            JobClient first = submit(miniCluster, 1, null);
            awaitTrue("the first run read the payments published so far and " + BACKLOG_READ_BEFORE_STOP
                            + " backlog messages", Duration.ofSeconds(60),
                    () -> ArrivalLog.paymentsRead(BEFORE_UPGRADE) == paidBeforeUpgrade.size()
                            && ArrivalLog.backlogRead(BEFORE_UPGRADE) >= BACKLOG_READ_BEFORE_STOP);
            String savepoint = first.stopWithSavepoint(false, checkpoints.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

            LOG.info("Stopped with savepoint {} after {} of {} backlog messages, {} payments, {} cancels",
                    savepoint, ArrivalLog.backlogRead(BEFORE_UPGRADE), backlogMessages,
                    ArrivalLog.paymentsRead(BEFORE_UPGRADE), ArrivalLog.cancelsRead(BEFORE_UPGRADE));
            assertThat(ArrivalLog.backlogRead(BEFORE_UPGRADE)).as("backlog messages read before the upgrade")
                    .isLessThan(backlogMessages);
            assertThat(ArrivalLog.cancelsRead(BEFORE_UPGRADE)).as("cancels read before the upgrade").isZero();
            assertThat(countRows("refund_request")).as("refunds written before the upgrade").isZero();
            assertThat(countRows("orders WHERE status = 'CLOSED'")).as("orders closed before the upgrade")
                    .isLessThan(expected.auditOrderIds().size());
            assertThat(numRestarts(first.getJobID())).as("restarts of the first run").isZero();

            publishToQueues1To3(paymentService, paidDuringUpgrade);
            JobClient second = submit(miniCluster, 3, savepoint);
            try {
                GroundTruthReport report = awaitGroundTruth(expected, Duration.ofSeconds(60));
                Thread.sleep(IDLE.plus(BOUND).toMillis() + 1_000); // a duplicate or extra row would show up now
                report = groundTruth(expected);
                report.assertPassed();
                assertThat(report.actualRefunds()).isEqualTo(CANCELLED_THEN_PAID_ORDERS);
                assertThat(report.actualAudits()).isEqualTo(expected.auditOrderIds().size()).isPositive();
                assertThat(numRestarts(second.getJobID())).as("restarts of the second run").isZero();
            } finally {
                second.cancel().get(30, TimeUnit.SECONDS);
                // Before the servers stop: a job still cancelling would log broker errors.
                awaitTrue("second run cancelled", Duration.ofSeconds(30),
                        () -> second.getJobStatus().get().isTerminalState());
            }
        }

        // What made this the measured case: every payment was read before its cancel, and the
        // payments of the first run were never read again (their offsets are in the savepoint),
        // so their refunds came from state restored at the new parallelism.
        for (Message payment : cancelledThenPaid.payments) {
            List<String> arrivals = ArrivalLog.arrivalsOf(payment.key);
            assertThat(arrivals).as("arrivals of %s", payment.key).hasSize(3);
            assertThat(arrivals.get(0)).as("first event read of %s", payment.key).endsWith("/ORDER_PAID");
        }
        for (Message payment : cancelledThenPaid.payments.subList(0, CANCELLED_THEN_PAID_ORDERS / 2)) {
            assertThat(ArrivalLog.arrivalsOf(payment.key)).as("arrivals of %s", payment.key).containsExactly(
                    BEFORE_UPGRADE + "/ORDER_PAID", AFTER_UPGRADE + "/ORDER_CREATED", AFTER_UPGRADE + "/ORDER_CANCELLED");
        }
    }

    /** The payment service's producer, spreading ORDER_PAID over the queues the order service does not use. */
    private static void publishToQueues1To3(RocketMqEventPublisher paymentService, List<Message> payments) {
        for (int i = 0; i < payments.size(); i++) {
            payments.get(i).publishTo(paymentService.toQueue(1 + i % 3));
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
     * The measured orders: created, cancelled 1 s later (the order service, queue 0), paid 2 s
     * after the cancel (the payment service found no pending row and published anyway). The rows
     * are CANCELLED, as the two services left them.
     */
    private static final class CancelledThenPaid {
        final List<InitialOrderRow> rows = new ArrayList<>();
        final List<ExpectedOrder> orders = new ArrayList<>();
        final List<ExpectedRefund> refunds = new ArrayList<>();
        /** CREATED and CANCELLED of all orders, in event-time order. */
        final List<Message> orderServiceEvents = new ArrayList<>();
        final List<Message> payments = new ArrayList<>();

        CancelledThenPaid(long firstCreatedAt) {
            for (int i = 0; i < CANCELLED_THEN_PAID_ORDERS; i++) {
                String orderId = CANCELLED_THEN_PAID_PREFIX + i;
                long createdAt = firstCreatedAt + i * 200L;
                long cancelledAt = createdAt + 1_000;
                long paidAt = cancelledAt + 2_000;
                String userId = "u-" + i;
                long amountCents = 1_000 + i;
                String paymentId = "pay-" + orderId;
                orderServiceEvents.add(new Message(orderId, EventKind.CREATED, createdAt, EventJson.created(orderId,
                        orderId + "-e1", createdAt, true, (int) PAY_TIMEOUT.toSeconds(), userId, amountCents, "EUR")));
                orderServiceEvents.add(new Message(orderId, EventKind.CANCELLED, cancelledAt,
                        EventJson.cancelled(orderId, orderId + "-e2", cancelledAt, false)));
                payments.add(new Message(orderId, EventKind.PAID, paidAt,
                        EventJson.paid(orderId, orderId + "-e3", paidAt, i % 2 == 0, paymentId)));
                rows.add(new InitialOrderRow(orderId, userId, amountCents, "EUR", OrderRowStatus.CANCELLED,
                        Instant.ofEpochMilli(createdAt)));
                orders.add(new ExpectedOrder(orderId, Category.CANCELLED_THEN_PAID_SOON,
                        Category.CANCELLED_THEN_PAID_SOON, OrderRowStatus.CANCELLED, AuditExpectation.FORBIDDEN,
                        Instant.ofEpochMilli(createdAt), Instant.ofEpochMilli(createdAt).plus(PAY_TIMEOUT), userId,
                        amountCents, "EUR"));
                refunds.add(new ExpectedRefund(orderId, paymentId, ExpectedRefund.Reason.PAID_AFTER_CANCEL));
            }
            orderServiceEvents.sort(Comparator.comparingLong(Message::occurredAt));
        }

        /** The backlog's ground truth plus these orders. */
        ExpectedOutcome addTo(ExpectedOutcome backlog) {
            List<ExpectedOrder> allOrders = new ArrayList<>(backlog.orders().values());
            allOrders.addAll(orders);
            List<ExpectedRefund> allRefunds = new ArrayList<>(backlog.refunds());
            allRefunds.addAll(refunds);
            return new ExpectedOutcome(allOrders, allRefunds, backlog.deadLetters(), backlog.guardedRefundRequests());
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
                } else if (orderId.startsWith(CANCELLED_THEN_PAID_PREFIX)) {
                    ARRIVALS.computeIfAbsent(orderId, id -> new ConcurrentLinkedQueue<>())
                            .add(run + "/" + message.event.type);
                }
            }
            return message;
        }

        static int backlogRead(String run) {
            return BACKLOG_READ.computeIfAbsent(run, r -> new AtomicInteger()).get();
        }

        static List<String> arrivalsOf(String orderId) {
            return List.copyOf(ARRIVALS.getOrDefault(orderId, new ConcurrentLinkedQueue<>()));
        }

        static long paymentsRead(String run) {
            return countOf(run, OrderEventType.ORDER_PAID);
        }

        static long cancelsRead(String run) {
            return countOf(run, OrderEventType.ORDER_CANCELLED);
        }

        private static long countOf(String run, OrderEventType type) {
            String entry = run + "/" + type;
            return ARRIVALS.values().stream().flatMap(Queue::stream).filter(entry::equals).count();
        }
    }
}
