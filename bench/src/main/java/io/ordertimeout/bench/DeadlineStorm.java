package io.ordertimeout.bench;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.EventJson;
import io.ordertimeout.testkit.workload.LatenessStats;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * The deadline storm: N orders created within one second (a flash sale), every tenth never paid,
 * the rest paid well within the window; all deadlines fall due in the same second. Measured for
 * one contender (the job on RocksDB, or delay messages) on the shared broker and database: the time
 * from the last deadline until the last unpaid order is observed CLOSED in PostgreSQL (polled every
 * 100 ms), the lateness of every close ({@code closed_at − deadline}), the database work, and for
 * the job the checkpoints that ran while its timers fired.
 *
 * <p>The harness plays the order and payment services in bulk, row before event as in production:
 * all rows are inserted PENDING_PAYMENT in one statement, then the CREATED events (and, for delay
 * messages, one timer message per order) are published, then the paid rows are set PAID in one
 * statement, then the PAID events are published. All of it must end before the first deadline;
 * otherwise the run fails and names the window to raise.
 */
final class DeadlineStorm {

    private static final int QUEUES = 4;
    private static final int BATCH = 256;
    private static final long POLL_MILLIS = 100;

    /** One contender's storm. Times are wall-clock millis. */
    record Result(
            String contender,
            int orders,
            int expectedCloses,
            int closes,
            List<String> wrong,
            int wrongCount,
            long firstDeadline,
            long lastDeadline,
            long lastCloseObservedAt,
            LatenessStats lateness,
            long[] closedAfterFirstDeadlineMillis,
            DbWork dbWork,
            List<StormJob.Checkpoint> stormCheckpoints,
            List<StormJob.Checkpoint> earlierCheckpoints,
            long setupMillis) {

        boolean correct() {
            return wrongCount == 0 && closes == expectedCloses;
        }

        /** From the last deadline until the last close was seen committed; -1 if it never was. */
        long lastCloseAfterDeadlineMs() {
            return lastCloseObservedAt < 0 ? -1 : lastCloseObservedAt - lastDeadline;
        }
    }

    private final EmbeddedRocketMq rocketMq;
    private final BenchPostgres database;
    private final BenchSize size;
    private final StormSize storm;

    DeadlineStorm(EmbeddedRocketMq rocketMq, BenchPostgres database, BenchSize size) {
        this.rocketMq = rocketMq;
        this.database = database;
        this.size = size;
        this.storm = size.storm();
    }

    Result run(String contender) throws Exception {
        long runStarted = System.currentTimeMillis();
        database.reset();
        String topic = "storm-" + contender + "-" + System.nanoTime();
        rocketMq.createTopic(topic, QUEUES);
        LiveSetup setup = new LiveSetup(rocketMq, database, topic, storm.payWindow(), size.outOfOrderness(),
                size.idleTimeout(), size.scanInterval(), size.parallelism());
        String prefix = "storm-" + contender + "-";
        IntFunction<String> orderId = i -> prefix + i;
        StormJob job = null;
        DelayMessageContender delay = null;
        try {
            if (contender.equals(Contenders.JOB_ROCKSDB)) {
                Configuration config = FlinkJobContender.jobConfig(FlinkSettings.ROCKSDB, setup, topic,
                        "bench-storm-" + System.nanoTime());
                config.setString("execution.checkpointing.interval", storm.checkpointInterval().toMillis() + " ms");
                // Not the JobManager's memory (the default without a directory): it refuses more than
                // 5 MB of state per task, and 1 M pending orders are more, so every checkpoint failed
                // and the job restarted in a loop without ever reading the burst.
                config.setString("execution.checkpointing.dir",
                        Files.createTempDirectory("order-timeout-storm-checkpoints-").toUri().toString());
                job = StormJob.start(config, size.parallelism(), "bench-storm");
            } else if (contender.equals(Contenders.DELAY)) {
                delay = new DelayMessageContender(setup);
                delay.start();
            } else {
                throw new IllegalArgumentException("The storm runs " + Contenders.JOB_ROCKSDB + " and "
                        + Contenders.DELAY + ", not " + contender);
            }

            long setupStarted = System.currentTimeMillis();
            BenchMain.log("storm " + contender + ": contender started in " + (setupStarted - runStarted) + " ms");
            // Created within one second: the second after the harness starts.
            long createdFrom = (setupStarted / 1000 + 1) * 1000;
            int orders = storm.orders();
            long window = storm.payWindow().toMillis();
            java.util.function.IntToLongFunction createdAt = i -> createdFrom + (long) i * 1000 / orders;
            long firstDeadline = createdFrom + window;
            long lastDeadline = createdAt.applyAsLong(orders - 1) + window;

            insertPendingRows(prefix, createdFrom);
            DefaultMQProducer producer = producer();
            try {
                publish(producer, topic, orderId, i -> true, i -> "ORDER_CREATED", i -> EventJson.created(orderId.apply(i),
                        orderId.apply(i) + "-c", createdAt.applyAsLong(i), true, null, "u-" + (i % 1000), 1000L, "EUR"));
                if (delay != null) {
                    delay.scheduleDeadlines(orders, orderId, i -> createdAt.applyAsLong(i) + window);
                    BenchMain.log("storm " + contender + ": " + orders + " timer messages stored, " + delay.busyRetries()
                            + " sent again after the broker was busy");
                }
                setPaidRows(prefix);
                publish(producer, topic, orderId, i -> !StormSize.unpaid(i), i -> "ORDER_PAID", i -> EventJson.paid(
                        orderId.apply(i), orderId.apply(i) + "-p", System.currentTimeMillis(), true, "pay-" + i));
            } finally {
                producer.shutdown();
            }
            long setupEnded = System.currentTimeMillis();
            if (setupEnded > firstDeadline - 1000) {
                throw new IllegalStateException("Storm setup took " + (setupEnded - setupStarted) + " ms, it must end"
                        + " a second before the first deadline: raise the payment window of size " + size.name()
                        + " (" + storm.payWindow() + ", StormSize)");
            }

            BenchMain.log("storm " + contender + ": " + orders + " orders set up in " + (setupEnded - setupStarted)
                    + " ms, first deadline in " + (firstDeadline - setupEnded) + " ms");
            long lastCloseObservedAt = awaitCloses(prefix, storm.unpaidOrders(), lastDeadline + storm.closeWait().toMillis());
            // Wrong or duplicate closes would show up now; give the contender a moment to make them.
            Thread.sleep(500);
            List<StormJob.Checkpoint> storming = new ArrayList<>();
            List<StormJob.Checkpoint> earlier = new ArrayList<>();
            if (job != null) {
                long stormEnd = lastCloseObservedAt < 0 ? System.currentTimeMillis() : lastCloseObservedAt;
                for (StormJob.Checkpoint checkpoint : job.completedCheckpoints()) {
                    if (checkpoint.completedAt() < firstDeadline) {
                        if (checkpoint.triggeredAt() > setupEnded) {
                            earlier.add(checkpoint);
                        }
                    } else if (checkpoint.triggeredAt() <= stormEnd) {
                        storming.add(checkpoint);
                    }
                }
            }
            Result result = judge(contender, prefix, firstDeadline, lastDeadline, lastCloseObservedAt, storming, earlier,
                    setupEnded - setupStarted);
            BenchMain.log("storm " + contender + ": " + result.closes() + "/" + result.expectedCloses() + " closed, "
                    + result.wrongCount() + " wrong, last close " + result.lastCloseAfterDeadlineMs()
                    + " ms after the last deadline, " + result.lateness() + ", checkpoints during the storm "
                    + storming + ", run " + (System.currentTimeMillis() - runStarted) + " ms");
            return result;
        } finally {
            if (job != null) {
                job.close();
            }
            if (delay != null) {
                delay.close();
            }
        }
    }

    private void insertPendingRows(String prefix, long createdFrom) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement insert = admin.prepareStatement(
                        "INSERT INTO orders (order_id, user_id, amount_cents, currency, status, created_at)"
                                + " SELECT ? || i, 'u-' || (i % 1000), 1000, 'EUR', 'PENDING_PAYMENT',"
                                + " timestamptz 'epoch' + (? + i * 1000 / ?) * interval '1 millisecond'"
                                + " FROM generate_series(0::bigint, ? - 1) AS i")) {
            insert.setString(1, prefix);
            insert.setLong(2, createdFrom);
            insert.setLong(3, storm.orders());
            insert.setLong(4, storm.orders());
            insert.executeUpdate();
        }
    }

    /** The payment service writes the status before it publishes ORDER_PAID (DESIGN.md §4). */
    private void setPaidRows(String prefix) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement update = admin.prepareStatement("UPDATE orders SET status = 'PAID'"
                        + " WHERE order_id LIKE ? AND substr(order_id, ?)::bigint % 10 <> 0")) {
            update.setString(1, prefix + "%");
            update.setInt(2, prefix.length() + 1);
            update.executeUpdate();
        }
    }

    private DefaultMQProducer producer() throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("bench-storm-services");
        producer.setNamesrvAddr(rocketMq.nameServerAddress());
        producer.setInstanceName("bench-storm-" + System.nanoTime());
        producer.setSendMsgTimeout(15_000);
        producer.start();
        return producer;
    }

    /** Batches per queue; an order's events go to the queue its key hashes to, as RocketMqEventPublisher does. */
    private void publish(DefaultMQProducer producer, String topic, IntFunction<String> orderId,
            java.util.function.IntPredicate which, IntFunction<String> tag, IntFunction<byte[]> body) throws Exception {
        List<MessageQueue> queues = rocketMq.messageQueues(topic);
        List<List<Message>> perQueue = new ArrayList<>();
        for (int q = 0; q < QUEUES; q++) {
            perQueue.add(new ArrayList<>(BATCH));
        }
        for (int i = 0; i < storm.orders(); i++) {
            if (!which.test(i)) {
                continue;
            }
            String key = orderId.apply(i);
            int q = Math.abs(key.hashCode() % QUEUES);
            List<Message> batch = perQueue.get(q);
            batch.add(new Message(topic, tag.apply(i), key, body.apply(i)));
            if (batch.size() == BATCH) {
                send(producer, batch, queues.get(q));
            }
        }
        for (int q = 0; q < QUEUES; q++) {
            if (!perQueue.get(q).isEmpty()) {
                send(producer, perQueue.get(q), queues.get(q));
            }
        }
    }

    /**
     * A send to a chosen queue is not retried by the client; a broker busy with the burst (its flow
     * control, "TIMEOUT_CLEAN_QUEUE") gets the batch again after a pause, as a service would send it.
     */
    private static void send(DefaultMQProducer producer, List<Message> batch, MessageQueue queue) throws Exception {
        SendStatus status;
        for (int attempt = 1; ; attempt++) {
            try {
                status = producer.send(new ArrayList<>(batch), queue).getSendStatus();
                break;
            } catch (MQBrokerException e) {
                if (e.getResponseCode() != ResponseCode.SYSTEM_BUSY || attempt >= 100) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        if (status != SendStatus.SEND_OK) {
            throw new IllegalStateException("Storm batch to " + queue + " returned " + status);
        }
        batch.clear();
    }

    /** Wall time when at least {@code expected} of this storm's orders were seen CLOSED, or -1 at the timeout. */
    private long awaitCloses(String prefix, int expected, long giveUpAt) throws Exception {
        try (Connection admin = database.adminConnection();
                PreparedStatement count = admin.prepareStatement(
                        "SELECT count(*) FROM orders WHERE status = 'CLOSED' AND order_id LIKE ?")) {
            count.setString(1, prefix + "%");
            while (System.currentTimeMillis() < giveUpAt) {
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= expected) {
                        return System.currentTimeMillis();
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
        return -1;
    }

    private Result judge(String contender, String prefix, long firstDeadline, long lastDeadline,
            long lastCloseObservedAt, List<StormJob.Checkpoint> storming, List<StormJob.Checkpoint> earlier,
            long setupMillis) throws SQLException {
        long window = storm.payWindow().toMillis();
        int closes = 0;
        int wrongCount = 0;
        List<String> wrong = new ArrayList<>();
        long[] lateness = new long[storm.unpaidOrders()];
        long[] afterFirstDeadline = new long[storm.unpaidOrders()];
        try (Connection admin = database.adminConnection();
                PreparedStatement rows = admin.prepareStatement(
                        "SELECT order_id, status, created_at, closed_at FROM orders WHERE order_id LIKE ?")) {
            admin.setAutoCommit(false);
            rows.setFetchSize(10_000);
            rows.setString(1, prefix + "%");
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String status = rs.getString(2);
                    boolean unpaid = StormSize.unpaid(Integer.parseInt(id.substring(prefix.length())));
                    String expected = unpaid ? "CLOSED" : "PAID";
                    if (!expected.equals(status)) {
                        if (wrongCount++ < 10) {
                            wrong.add(id + ": expected " + expected + ", found " + status);
                        }
                    }
                    if ("CLOSED".equals(status) && closes < lateness.length) {
                        long closedAt = rs.getObject(4, OffsetDateTime.class).toInstant().toEpochMilli();
                        long deadline = rs.getObject(3, OffsetDateTime.class).toInstant().toEpochMilli() + window;
                        lateness[closes] = closedAt - deadline;
                        afterFirstDeadline[closes] = closedAt - firstDeadline;
                    }
                    if ("CLOSED".equals(status)) {
                        closes++;
                    }
                }
            }
            admin.commit();
        }
        int measured = Math.min(closes, lateness.length);
        return new Result(contender, storm.orders(), storm.unpaidOrders(), closes, wrong, wrongCount, firstDeadline,
                lastDeadline, lastCloseObservedAt, LatenessStats.of(Arrays.copyOf(lateness, measured)),
                Arrays.copyOf(afterFirstDeadline, measured), DbWork.read(database), storming, earlier, setupMillis);
    }
}
