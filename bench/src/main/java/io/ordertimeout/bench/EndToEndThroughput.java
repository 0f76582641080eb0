package io.ordertimeout.bench;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.Category;
import io.ordertimeout.testkit.workload.EventJson;
import io.ordertimeout.testkit.workload.OrderRowStatus;
import io.ordertimeout.testkit.workload.OrderWorkload;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.testkit.workload.WorkloadEvent;
import io.ordertimeout.testkit.workload.WorkloadSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Broker → job → PostgreSQL: a generated backlog of order events already in the topic, read by
 * the job from the earliest offset; timed from the job running until the last order that must be
 * closed is CLOSED in the database. The ceiling is a plain lite-pull consumer reading the same
 * backlog. The mix has no late payments, so which orders end CLOSED does not depend on how the
 * queues interleave; a CREATED per queue with a far deadline after the backlog moves every
 * queue's watermark past the last real deadline, so the run does not wait for the idle timeout.
 *
 * <p>Why no late payments (and so no DUPLICATED orders, which may be based on PAID_LATE): the
 * workload promises that a late payment is read after the watermark passed its deadline only for
 * one stream read in order. Here the two readers and their queues drain the backlog at
 * different speeds, and the keyed operator's watermark is the minimum over all of them; a queue
 * that runs ahead delivers the late payment while that minimum is still before the deadline, so
 * the job rightly takes it as an in-time payment and the order (left PENDING_PAYMENT in the
 * initial rows) is never closed, and the run never reaches the expected count.
 */
final class EndToEndThroughput {

    /** The topic's queues: 4 by default, {@code --queues} for the 4 vs 16 comparison. */
    private final int queues;

    private final EmbeddedRocketMq rocketMq;
    private final BenchPostgres database;
    private final BenchSize size;
    private final String topic = "e2e-orders";
    private OrderWorkload workload;
    private int messages;

    EndToEndThroughput(EmbeddedRocketMq rocketMq, BenchPostgres database, BenchSize size, int queues) {
        this.queues = queues;
        this.rocketMq = rocketMq;
        this.database = database;
        this.size = size;
    }

    int messages() {
        return messages;
    }

    int expectedCloses() {
        return workload.expected().orderIdsWithStatus(OrderRowStatus.CLOSED).size();
    }

    void publishBacklog() throws Exception {
        Map<Category, Double> mix = new EnumMap<>(Category.class);
        mix.put(Category.PAID_IN_TIME, 0.70);
        mix.put(Category.NEVER_PAID, 0.15);
        mix.put(Category.CANCELLED, 0.10);
        // Follow-up before the CREATED, same queue: its outcome does not depend on queue interleaving.
        mix.put(Category.OUT_OF_ORDER, 0.05);
        workload = OrderWorkload.generate(WorkloadSpec.builder()
                .orderCount(size.endToEndOrders())
                .start(Instant.parse("2026-01-05T08:00:00Z"))
                .payTimeout(Duration.ofSeconds(60))
                .mix(mix)
                .invalidMessages(0)
                .orderIdPrefix("e2e-")
                .seed(11)
                .build());
        requireNoLatePayment(workload);
        rocketMq.createTopic(topic, queues);
        List<List<Message>> perQueue = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            perQueue.add(new ArrayList<>());
        }
        for (WorkloadEvent event : workload.events()) {
            perQueue.get(queueOf(event.key())).add(new Message(topic, event.tag(), event.key(), event.json()));
        }
        long fillerTime = workload.lastDeadline().toEpochMilli() + 60_000;
        for (int q = 0; q < queues; q++) {
            String key = keyForQueue(q);
            perQueue.get(q).add(new Message(topic, "ORDER_CREATED", key, EventJson.created(key, key + "-e1",
                    fillerTime, true, EventJson.MAX_PAY_TIMEOUT_SECONDS, "u-0", 100L, "EUR")));
        }
        DefaultMQProducer producer = new DefaultMQProducer("bench-e2e-backlog");
        producer.setNamesrvAddr(rocketMq.nameServerAddress());
        producer.setInstanceName("bench-e2e-" + System.nanoTime());
        producer.setSendMsgTimeout(15_000);
        producer.start();
        try {
            List<MessageQueue> messageQueues = rocketMq.messageQueues(topic);
            for (int q = 0; q < queues; q++) {
                List<Message> batch = perQueue.get(q);
                for (int from = 0; from < batch.size(); from += 256) {
                    producer.send(new ArrayList<>(batch.subList(from, Math.min(batch.size(), from + 256))), messageQueues.get(q));
                }
                messages += batch.size();
            }
        } finally {
            producer.shutdown();
        }
    }

    /** Which orders end CLOSED must not depend on how the queues interleave (see the class comment). */
    private static void requireNoLatePayment(OrderWorkload workload) {
        long latePaid = workload.expected().orders().values().stream()
                .filter(order -> order.baseCategory() == Category.PAID_LATE)
                .count();
        if (latePaid > 0) {
            throw new IllegalStateException("The end-to-end backlog has " + latePaid + " late payments; their outcome"
                    + " depends on how the queues interleave, so the expected closes are not reachable");
        }
    }

    /** The queue RocketMqEventPublisher's hash selector would pick, so per-order order is as in production. */
    private int queueOf(String key) {
        return Math.abs(key.hashCode() % queues);
    }

    private String keyForQueue(int queue) {
        for (int i = 0; ; i++) {
            String key = "e2e-watermark-" + i;
            if (queueOf(key) == queue) {
                return key;
            }
        }
    }

    double rawConsumerRate() throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("bench-raw-" + System.nanoTime());
        consumer.setNamesrvAddr(rocketMq.nameServerAddress());
        consumer.setInstanceName("bench-raw-" + System.nanoTime());
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(500);
        // A new group starts at the first offset by itself. No seekToBegin: with client 5.3.3 a seek
        // right after assign can race with the pull task it replaces and skip messages (README,
        // Decisions); here it once left the consumer short of the backlog until its 5-minute limit.
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>(consumer.fetchMessageQueues(topic));
            consumer.assign(queues);
            long started = System.nanoTime();
            long read = 0;
            long deadline = started + TimeUnit.MINUTES.toNanos(5);
            while (read < messages && System.nanoTime() - deadline < 0) {
                List<MessageExt> polled = consumer.poll(1000);
                read += polled.size();
            }
            if (read < messages) {
                throw new IllegalStateException("The raw consumer read " + read + " of " + messages + " messages in 5 min");
            }
            return read / ((System.nanoTime() - started) / 1e9);
        } finally {
            consumer.shutdown();
        }
    }

    /**
     * One job pass over the backlog: its rate from RUNNING to the last close, and where that time
     * went — start (RUNNING until the keyed operator took its first record), reading (until it
     * took the last one) and tail (until the last close was in PostgreSQL: the watermark passing
     * the last deadline, the timers firing, the close writer's batch).
     */
    record JobRun(double messagesPerSecond, long startMillis, long readMillis, long tailMillis,
            Map<String, Long> cpuMillisByThreadKind) {
        /** The rate while reading, without the job's start and the tail: what the steady state would sustain. */
        double readingRate(int messages) {
            return messages / Math.max(0.001, readMillis / 1e3);
        }
    }

    JobRun jobRun(String stateBackend, int parallelism) throws Exception {
        database.reset();
        try (Connection admin = database.adminConnection()) {
            workload.insertInitialRows(admin, SqlFlavor.POSTGRES);
        }
        Set<String> mustClose = workload.expected().orderIdsWithStatus(OrderRowStatus.CLOSED);
        int expectedCloses = mustClose.size();
        LiveSetup setup = size.liveSetup(rocketMq, database, topic);
        setup = new LiveSetup(rocketMq, database, topic, Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(10), setup.scanInterval(), parallelism);
        Configuration config = FlinkJobContender.jobConfig(stateBackend, setup, topic, "bench-e2e-" + System.nanoTime());
        KeyedInputProgress.enable(config);
        JobClient job = FlinkJobContender.submit(FlinkJobContender.Kind.TIMEOUT_JOB, config, parallelism, "bench-e2e");
        Map<String, Long> cpuBefore = ThreadCpu.byKind();
        long started = System.nanoTime();
        long firstRecord = 0;
        long allRead = 0;
        long nextDatabasePoll = started;
        try {
            long deadline = started + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                long now = System.nanoTime();
                long recordsIn = KeyedInputProgress.recordsIn();
                if (firstRecord == 0 && recordsIn > 0) {
                    firstRecord = now;
                }
                if (allRead == 0 && recordsIn >= messages) {
                    allRead = now;
                }
                if (now - nextDatabasePoll >= 0) {
                    if (LiveRun.countClosed(database) >= expectedCloses) {
                        break;
                    }
                    nextDatabasePoll = now + TimeUnit.MILLISECONDS.toNanos(50);
                }
                if (now - deadline > 0) {
                    throw new IllegalStateException("End-to-end run did not close " + expectedCloses + " orders; "
                            + notClosed(mustClose));
                }
                Thread.sleep(5);
            }
            long ended = System.nanoTime();
            if (firstRecord == 0 || allRead == 0) {
                // The reporter saw no keyed input: report the whole time as reading rather than invent phases.
                firstRecord = started;
                allRead = ended;
            }
            // Taken before the cancel: the job's threads are still alive, their CPU time readable.
            Map<String, Long> cpu = ThreadCpu.delta(cpuBefore, ThreadCpu.byKind());
            return new JobRun(messages / ((ended - started) / 1e9), TimeUnit.NANOSECONDS.toMillis(firstRecord - started),
                    TimeUnit.NANOSECONDS.toMillis(allRead - firstRecord), TimeUnit.NANOSECONDS.toMillis(ended - allRead), cpu);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** For the failure message: how many orders that must close are not CLOSED, by status, and a few ids. */
    private String notClosed(Set<String> mustClose) throws SQLException {
        Map<String, Integer> byStatus = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        try (Connection admin = database.adminConnection();
                PreparedStatement select = admin.prepareStatement("SELECT order_id, status FROM orders");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String orderId = rows.getString(1);
                if (mustClose.contains(orderId) && !"CLOSED".equals(rows.getString(2))) {
                    byStatus.merge(rows.getString(2), 1, Integer::sum);
                    if (examples.size() < 5) {
                        examples.add(orderId + " (" + workload.expected().order(orderId).category() + ")");
                    }
                }
            }
        }
        return "not closed by status " + byStatus + ", e.g. " + examples;
    }
}
