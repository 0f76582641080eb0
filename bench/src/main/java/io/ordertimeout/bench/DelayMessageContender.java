package io.ordertimeout.bench;

import io.ordertimeout.testkit.workload.EventKind;
import io.ordertimeout.testkit.workload.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * The broker's delay messages (RocketMQ 5.x timer messages): when the order service creates an
 * order it also sends a message due at the deadline ({@link Message#setDeliverTimeMs}); a
 * consumer reads the order when the message arrives and closes it with the same conditional
 * UPDATE if it is still unpaid. Every order is read once at its deadline, paid or not.
 */
final class DelayMessageContender implements Contender {

    private static final String FIND = "SELECT status FROM orders WHERE order_id = ?";
    /** The job's close statement on PostgreSQL, {@code (status || '')} included (see SqlDialect.statusOfTheRowByKey). */
    private static final String CLOSE = "UPDATE orders SET status = 'CLOSED', close_reason = 'PAYMENT_TIMEOUT',"
            + " closed_at = ? WHERE order_id = ? AND (status || '') = 'PENDING_PAYMENT'";
    private static final int CONSUMER_THREADS = 2;
    /** Timer messages of a burst in flight at once (asynchronous sends; one at a time would take minutes at 1 M). */
    private static final int MAX_IN_FLIGHT = 256;
    private static final int MAX_BUSY_RETRIES = 100;
    private static final long BUSY_PAUSE_MILLIS = 100;

    private final LiveSetup setup;
    private final String delayTopic;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong busyRetries = new AtomicLong();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private DefaultMQProducer producer;
    private DefaultMQPushConsumer consumer;

    DelayMessageContender(LiveSetup setup) {
        this.setup = setup;
        this.delayTopic = setup.topic() + "-deadlines";
    }

    @Override
    public String name() {
        return "delay-messages";
    }

    @Override
    public void start() throws Exception {
        setup.rocketMq().createTopic(delayTopic, 4);
        String suffix = Long.toString(System.nanoTime());
        producer = new DefaultMQProducer("bench-deadline-producer");
        producer.setNamesrvAddr(setup.rocketMq().nameServerAddress());
        producer.setInstanceName("bench-deadlines-" + suffix);
        producer.start();
        consumer = new DefaultMQPushConsumer("bench-deadline-consumer-" + suffix);
        consumer.setNamesrvAddr(setup.rocketMq().nameServerAddress());
        consumer.setInstanceName("bench-deadlines-" + suffix);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(CONSUMER_THREADS);
        consumer.setConsumeThreadMax(CONSUMER_THREADS);
        consumer.subscribe(delayTopic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            try {
                for (MessageExt message : messages) {
                    closeIfUnpaid(new String(message.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            } catch (SQLException e) {
                if (failures.incrementAndGet() <= 3) {
                    System.err.println("Deadline consumer failed, will be redelivered: " + e);
                }
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        consumer.start();
    }

    @Override
    public EventPublisher orderServicePublisher(EventPublisher events) {
        return (key, tag, json) -> {
            events.publish(key, tag, json);
            // Invalid test messages share the CREATED tag; a real order service would not send them.
            if (EventKind.CREATED.tag().equals(tag) && key.equals(orderIdOf(json))) {
                scheduleDeadline(key, System.currentTimeMillis() + setup.payTimeout().toMillis());
            }
        };
    }

    private static String orderIdOf(byte[] json) {
        String body = new String(json, StandardCharsets.UTF_8);
        int field = body.indexOf("\"orderId\":\"");
        if (field < 0) {
            return null;
        }
        int start = field + "\"orderId\":\"".length();
        int end = body.indexOf('"', start);
        return end < 0 ? null : body.substring(start, end);
    }

    private void scheduleDeadline(String orderId, long deadline) {
        Message message = new Message(delayTopic, "DEADLINE", orderId, orderId.getBytes(StandardCharsets.UTF_8));
        message.setDeliverTimeMs(deadline);
        try {
            if (producer.send(message).getSendStatus() != SendStatus.SEND_OK) {
                throw new IllegalStateException("Deadline message for " + orderId + " not stored");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Deadline message for " + orderId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The timer messages an order service sends for a burst of orders (the deadline storm), one per
     * order, due at {@code deadline.applyAsLong(i)}; returns when the broker stored all of them.
     * Asynchronous, at most {@link #MAX_IN_FLIGHT} at a time; a send the broker refuses because it
     * is busy (its flow control, "TIMEOUT_CLEAN_QUEUE") is sent again after a pause, as an order
     * service would, rather than failing the run.
     */
    void scheduleDeadlines(int count, IntFunction<String> orderId, IntToLongFunction deadline) throws InterruptedException {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < count && failure.get() == null; i++) {
                String id = orderId.apply(i);
                Message message = new Message(delayTopic, "DEADLINE", id, id.getBytes(StandardCharsets.UTF_8));
                message.setDeliverTimeMs(deadline.applyAsLong(i));
                inFlight.acquire();
                sendUntilStored(message, 0, inFlight, failure, retries);
            }
            if (!inFlight.tryAcquire(MAX_IN_FLIGHT, 5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Deadline messages not all acknowledged after 5 minutes");
            }
        } finally {
            retries.shutdownNow();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Deadline messages failed: " + failure.get(), failure.get());
        }
    }

    private void sendUntilStored(Message message, int attempt, Semaphore inFlight, AtomicReference<Throwable> failure,
            ScheduledExecutorService retries) {
        SendCallback callback = new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
                if (result.getSendStatus() != SendStatus.SEND_OK) {
                    failure.compareAndSet(null, new IllegalStateException("Deadline message for " + message.getKeys()
                            + " not stored: " + result.getSendStatus()));
                }
                inFlight.release();
            }

            @Override
            public void onException(Throwable e) {
                if (attempt < MAX_BUSY_RETRIES && e instanceof MQBrokerException broker
                        && broker.getResponseCode() == ResponseCode.SYSTEM_BUSY) {
                    busyRetries.incrementAndGet();
                    retries.schedule(() -> sendUntilStored(message, attempt + 1, inFlight, failure, retries),
                            BUSY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                }
                failure.compareAndSet(null, e);
                inFlight.release();
            }
        };
        try {
            producer.send(message, callback, 30_000);
        } catch (Exception e) {
            failure.compareAndSet(null, e);
            inFlight.release();
        }
    }

    /** How often the broker refused a timer message of a burst because it was busy (each was sent again). */
    long busyRetries() {
        return busyRetries.get();
    }

    private void closeIfUnpaid(String orderId) throws SQLException {
        Connection db = connection();
        try (PreparedStatement find = db.prepareStatement(FIND)) {
            find.setString(1, orderId);
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next() || !"PENDING_PAYMENT".equals(rs.getString(1))) {
                    return;
                }
            }
        }
        try (PreparedStatement close = db.prepareStatement(CLOSE)) {
            close.setObject(1, Timestamps.utc(System.currentTimeMillis()));
            close.setString(2, orderId);
            close.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        Connection current = connection.get();
        if (current == null || current.isClosed()) {
            current = setup.database().contenderConnection();
            connection.set(current);
            connections.add(current);
        }
        return current;
    }

    @Override
    public void close() throws Exception {
        if (consumer != null) {
            consumer.shutdown();
            consumer = null;
        }
        if (producer != null) {
            producer.shutdown();
            producer = null;
        }
        for (Connection open : connections) {
            open.close();
        }
        connections.clear();
    }
}
