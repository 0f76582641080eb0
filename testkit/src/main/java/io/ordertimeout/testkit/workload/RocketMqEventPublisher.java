package io.ordertimeout.testkit.workload;

import java.util.Objects;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash;
import org.apache.rocketmq.common.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes order events to RocketMQ with a synchronous send: key = orderId, tag = event type.
 * Messages are routed to a queue by hash of the key, so all events of one order land in one
 * queue and keep their order (the job relies on it, e.g. for a cancel before a payment).
 */
public final class RocketMqEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqEventPublisher.class);

    private final DefaultMQProducer producer;
    private final String topic;
    private final SelectMessageQueueByHash queueByKey = new SelectMessageQueueByHash();

    private RocketMqEventPublisher(DefaultMQProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Starts a producer in group "order-timeout-workload". */
    public static RocketMqEventPublisher start(String nameServerAddress, String topic) throws MQClientException {
        return start(nameServerAddress, topic, "order-timeout-workload");
    }

    public static RocketMqEventPublisher start(String nameServerAddress, String topic, String producerGroup)
            throws MQClientException {
        DefaultMQProducer producer = new DefaultMQProducer(Objects.requireNonNull(producerGroup));
        producer.setNamesrvAddr(Objects.requireNonNull(nameServerAddress));
        // Several publishers (tests, demo) may live in one JVM; each needs its own client instance.
        producer.setInstanceName("workload-" + System.nanoTime());
        // The first send may have to create the topic on the broker.
        producer.setSendMsgTimeout(15_000);
        producer.start();
        LOG.info("Order event publisher started: topic {}, name server {}", topic, nameServerAddress);
        return new RocketMqEventPublisher(producer, Objects.requireNonNull(topic));
    }

    @Override
    public void publish(String key, String tag, byte[] json) {
        Message message = new Message(topic, tag, key, json);
        SendResult result;
        try {
            result = producer.send(message, queueByKey, key);
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
