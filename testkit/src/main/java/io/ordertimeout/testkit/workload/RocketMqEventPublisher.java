package io.ordertimeout.testkit.workload;

import java.util.List;
import java.util.Objects;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes order events to RocketMQ with a synchronous send: key = orderId, tag = event type.
 * The queue is chosen by a {@link QueueSelection}: by orderId hash (the default, recommended for
 * latency) or spread over the queues like a plain {@code producer.send(msg)}; {@link #toQueue(int)}
 * sends to one fixed queue (e.g. a backlog in one queue).
 */
public final class RocketMqEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqEventPublisher.class);

    private final DefaultMQProducer producer;
    private final String topic;
    private final MessageQueueSelector selector;

    private RocketMqEventPublisher(DefaultMQProducer producer, String topic, MessageQueueSelector selector) {
        this.producer = producer;
        this.topic = topic;
        this.selector = selector;
    }

    /** Starts a producer in group "order-timeout-workload" that picks queues by orderId hash. */
    public static RocketMqEventPublisher start(String nameServerAddress, String topic) throws MQClientException {
        return start(nameServerAddress, topic, QueueSelection.ORDER_ID_HASH);
    }

    /** Starts a producer in group "order-timeout-workload". */
    public static RocketMqEventPublisher start(String nameServerAddress, String topic, QueueSelection queues)
            throws MQClientException {
        return start(nameServerAddress, topic, "order-timeout-workload", queues);
    }

    /** Starts a producer that picks queues by orderId hash. */
    public static RocketMqEventPublisher start(String nameServerAddress, String topic, String producerGroup)
            throws MQClientException {
        return start(nameServerAddress, topic, producerGroup, QueueSelection.ORDER_ID_HASH);
    }

    public static RocketMqEventPublisher start(String nameServerAddress, String topic, String producerGroup,
            QueueSelection queues) throws MQClientException {
        DefaultMQProducer producer = new DefaultMQProducer(Objects.requireNonNull(producerGroup));
        producer.setNamesrvAddr(Objects.requireNonNull(nameServerAddress));
        // Several publishers (tests, demo) may live in one JVM; each needs its own client instance.
        producer.setInstanceName("workload-" + System.nanoTime());
        // The first send may have to create the topic on the broker.
        producer.setSendMsgTimeout(15_000);
        producer.start();
        LOG.info("Order event publisher started: topic {}, name server {}, queues {}", topic, nameServerAddress,
                queues);
        return new RocketMqEventPublisher(producer, Objects.requireNonNull(topic), queues.newSelector());
    }

    @Override
    public void publish(String key, String tag, byte[] json) {
        send(selector, key, tag, json);
    }

    /**
     * A publisher on the same producer that sends every message to queue {@code queueId} of the
     * topic (which must have it); closing this publisher closes that one.
     */
    public EventPublisher toQueue(int queueId) {
        MessageQueueSelector fixed = (List<MessageQueue> queues, Message message, Object key) -> queues.stream()
                .filter(queue -> queue.getQueueId() == queueId)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Topic " + topic + " has no queue " + queueId
                        + " (queues: " + queues + ")"));
        return (key, tag, json) -> send(fixed, key, tag, json);
    }

    private void send(MessageQueueSelector queues, String key, String tag, byte[] json) {
        Message message = new Message(topic, tag, key, json);
        SendResult result;
        try {
            result = producer.send(message, queues, key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending " + tag + " for " + key, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send " + tag + " for " + key + ": " + e.getMessage(), e);
        }
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new IllegalStateException("Send of " + tag + " for " + key + " ended with " + result.getSendStatus());
        }
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
