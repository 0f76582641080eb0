package io.ordertimeout.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.OrderTimeoutPipeline;
import io.ordertimeout.config.JobSettings;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.event.OrderEventType;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.testing.CollectingSink;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN.md §4 against a real broker: a split's watermark follows the wall clock only when the
 * split is caught up, never while it is back-pressured or behind, and a producer clock in the
 * future never closes an order early.
 *
 * <p>Back-pressure is made by a map in its own task after the source that holds ORDER_PAID records
 * (or all records) for a while. The network buffers are made small so that a few hundred records
 * fill them: the rest of the queue then waits unread in the source, which is where the old
 * "no record for the idle timeout" rule took the split for quiet.
 */
class CaughtUpLivenessTest {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .setConfiguration(smallNetworkBuffers(METRICS.addToConfiguration(new Configuration())))
            .build());

    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final Duration IDLE = Duration.ofSeconds(1);

    /** Per test: hold records in {@link HoldRecords} until this wall time. */
    static final Map<String, Long> HOLD_UNTIL = new ConcurrentHashMap<>();
    /** Per test: ORDER_PAID records that passed {@link HoldRecords}. */
    static final Map<String, AtomicInteger> PAYMENTS_READ = new ConcurrentHashMap<>();

    private static EmbeddedRocketMq broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedRocketMq.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Configuration smallNetworkBuffers(Configuration config) {
        config.setString("taskmanager.memory.segment-size", "4kb");
        config.setString("taskmanager.network.memory.buffers-per-channel", "2");
        config.setString("taskmanager.network.memory.floating-buffers-per-gate", "2");
        config.setString("taskmanager.network.memory.max-buffers-per-channel", "2");
        return config;
    }

    /**
     * A backlog read after downtime, one of four queues (all the payments) read slowly: until that
     * queue has been read, its split holds the watermark, so no order is closed before its payment
     * is read; the unpaid ones are closed once it has been.
     */
    @Test
    void backlogWithOneQueueReadSlowlyClosesNoOrderBeforeItsPaymentIsRead() throws Exception {
        String name = "slow-queue";
        broker.createTopic(name, 4);
        long base = System.currentTimeMillis() - 120_000;
        List<List<String>> createdPerQueue = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> payments = new ArrayList<>();
        Set<String> unpaid = new java.util.HashSet<>();
        int paidOrders = 1_200;
        for (int i = 0; i < paidOrders + 30; i++) {
            String orderId = "slow-" + i;
            long createdAt = base + i * 5L;
            createdPerQueue.get(i % 3).add(created(orderId, createdAt, 10));
            if (i < paidOrders) {
                payments.add(paid(orderId, createdAt + 1_000));
            } else {
                unpaid.add(orderId);
            }
        }
        for (int queue = 0; queue < 3; queue++) {
            // Moves the fast queues' event time far past every deadline above.
            createdPerQueue.get(queue).add(created("filler-" + queue, base + 100_000, 3_600));
            broker.sendStrings(name, queue, createdPerQueue.get(queue));
        }
        broker.sendStrings(name, 3, payments);

        HOLD_UNTIL.put(name, System.currentTimeMillis() + 6_000);
        CollectingSink<CloseCommand> closes = new CollectingSink<>();
        JobClient job = start(name, 4, true, closes);
        try {
            await("every payment read and every unpaid order closed", () ->
                    paymentsRead(name) == paidOrders && closedIds(closes).containsAll(unpaid));
            Thread.sleep(IDLE.plus(BOUND).toMillis() + 500);
            assertThat(closedIds(closes)).as("closed orders: exactly the unpaid ones").isEqualTo(unpaid);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The downstream stalls for 30 s (30 idle timeouts) while orders are being paid: the split is
     * back-pressured, not quiet, so no paid order gets a close decision; the unpaid ones are closed
     * once the stall ends.
     */
    @Test
    void downstreamStalledWhileOrdersArePaidClosesNoPaidOrder() throws Exception {
        String name = "stalled";
        broker.createTopic(name, 2);
        CollectingSink<CloseCommand> closes = new CollectingSink<>();
        JobClient job = start(name, 2, false, closes);
        try {
            Thread.sleep(2_000); // the readers own their queues
            long createdAt = System.currentTimeMillis();
            Set<String> paidIds = new java.util.HashSet<>();
            Set<String> unpaid = new java.util.HashSet<>();
            List<List<String>> created = List.of(new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < 60; i++) {
                String orderId = "stalled-" + i;
                created.get(i % 2).add(created(orderId, createdAt, 5));
                (i < 50 ? paidIds : unpaid).add(orderId);
            }
            broker.sendStrings(name, 0, created.get(0));
            broker.sendStrings(name, 1, created.get(1));
            Thread.sleep(1_000); // read before the stall

            HOLD_UNTIL.put(name, System.currentTimeMillis() + 30_000);
            for (int queue = 0; queue < 2; queue++) {
                List<String> fillAndPay = new ArrayList<>();
                for (int i = 0; i < 800; i++) {
                    fillAndPay.add(created("stalled-filler-" + queue + "-" + i, System.currentTimeMillis(), 3_600));
                }
                int q = queue;
                paidIds.stream().filter(id -> Integer.parseInt(id.substring(8)) % 2 == q)
                        .forEach(id -> fillAndPay.add(paid(id, createdAt + 2_000)));
                broker.sendStrings(name, queue, fillAndPay);
            }

            await("every payment read and every unpaid order closed", () ->
                    paymentsRead(name) == paidIds.size() && closedIds(closes).containsAll(unpaid));
            Thread.sleep(IDLE.plus(BOUND).toMillis() + 500);
            assertThat(closedIds(closes)).as("closed orders: exactly the unpaid ones").isEqualTo(unpaid);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * One ORDER_CREATED dated 2100 on a one-queue topic with two orders whose deadline is ten minutes
     * away: neither is closed, the clamp is counted, and the watermark still follows the clock (an
     * order with a 2 s window is closed on time).
     */
    @Test
    void eventDatedIn2100ClosesNoOrderBeforeItsDeadline() throws Exception {
        String name = "future";
        broker.createTopic(name, 1);
        CollectingSink<CloseCommand> closes = new CollectingSink<>();
        JobClient job = start(name, 1, false, closes);
        try {
            Thread.sleep(1_000);
            long now = System.currentTimeMillis();
            long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
            broker.sendStrings(name, 0, List.of(
                    created("future-a", now, 600),
                    created("future-b", now, 600),
                    created("future-2100", year2100, 600),
                    created("future-short", System.currentTimeMillis(), 2)));

            await("the short order closed", () -> closedIds(closes).contains("future-short"));
            Thread.sleep(IDLE.plus(BOUND).toMillis() + 1_000);
            assertThat(closedIds(closes)).containsExactly("future-short");
            assertThat(clampedTimestamps(job)).isEqualTo(1);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static JobClient start(String name, int parallelism, boolean holdPaymentsOnly,
            CollectingSink<CloseCommand> closes) throws Exception {
        Configuration config = new Configuration();
        config.setString("order-timeout.rocketmq.namesrv-addr", broker.nameServerAddress());
        config.setString("order-timeout.rocketmq.topic", name);
        config.setString("order-timeout.rocketmq.consumer-group", "liveness-" + name);
        config.setString("order-timeout.rocketmq.start-from", "earliest");
        config.setString("order-timeout.rocketmq.poll-batch-size", "32");
        config.setString("order-timeout.rocketmq.poll-timeout", "200 ms");
        config.setString("order-timeout.watermark.out-of-orderness", BOUND.toMillis() + " ms");
        config.setString("order-timeout.watermark.idle-timeout", IDLE.toMillis() + " ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        JobSettings settings = JobSettings.from(config);
        DataStream<OrderMessage> messages = RocketMqOrderSource.from(config).create(
                env, OrderWatermarks.strategy(settings.outOfOrderness, settings.idleTimeout, WallClock.system()));
        DataStream<OrderMessage> held = messages
                .map(new HoldRecords(name, holdPaymentsOnly))
                .returns(OrderMessage.class)
                .name("Hold records")
                .startNewChain();
        OrderTimeoutPipeline pipeline = OrderTimeoutPipeline.attach(held, settings, WallClock.system());
        pipeline.closes.sinkTo(closes);
        JobClient job = env.executeAsync(name);
        await("job running", () -> {
            try {
                return job.getJobStatus().get() == JobStatus.RUNNING;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return job;
    }

    private static long clampedTimestamps(JobClient job) {
        return METRICS.findMetrics(job.getJobID(), "clampedTimestamps").values().stream()
                .mapToLong(metric -> ((Counter) metric).getCount())
                .sum();
    }

    private static Set<String> closedIds(CollectingSink<CloseCommand> closes) {
        return closes.values().stream().map(close -> close.orderId).collect(Collectors.toSet());
    }

    private static int paymentsRead(String name) {
        return PAYMENTS_READ.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    private static String created(String orderId, long occurredAt, int payTimeoutSeconds) {
        return "{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + orderId + "\",\"occurredAt\":" + occurredAt
                + ",\"payTimeoutSeconds\":" + payTimeoutSeconds + "}";
    }

    private static String paid(String orderId, long occurredAt) {
        return "{\"type\":\"ORDER_PAID\",\"orderId\":\"" + orderId + "\",\"occurredAt\":" + occurredAt
                + ",\"paymentId\":\"pay-" + orderId + "\"}";
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Holds records until the test's hold time: a stalled downstream, seen from the source. */
    static final class HoldRecords implements MapFunction<OrderMessage, OrderMessage> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final boolean paymentsOnly;

        HoldRecords(String name, boolean paymentsOnly) {
            this.name = name;
            this.paymentsOnly = paymentsOnly;
        }

        @Override
        public OrderMessage map(OrderMessage message) throws InterruptedException {
            boolean payment = message.isValid() && message.event.type == OrderEventType.ORDER_PAID;
            if (payment || (!paymentsOnly && message.isValid())) {
                long until = HOLD_UNTIL.getOrDefault(name, 0L);
                while (System.currentTimeMillis() < until) {
                    Thread.sleep(20);
                }
            }
            if (payment) {
                PAYMENTS_READ.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            }
            return message;
        }
    }
}
