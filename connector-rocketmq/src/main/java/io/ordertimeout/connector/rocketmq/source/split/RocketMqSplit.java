package io.ordertimeout.connector.rocketmq.source.split;

import java.util.Objects;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.rocketmq.common.message.MessageQueue;

/** One message queue of the topic and the offset of the next message to read from it. */
public final class RocketMqSplit implements SourceSplit {

    private final String topic;
    private final String brokerName;
    private final int queueId;
    private final long nextOffset;

    public RocketMqSplit(String topic, String brokerName, int queueId, long nextOffset) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.brokerName = Objects.requireNonNull(brokerName, "brokerName");
        this.queueId = queueId;
        this.nextOffset = nextOffset;
    }

    public RocketMqSplit(MessageQueue queue, long nextOffset) {
        this(queue.getTopic(), queue.getBrokerName(), queue.getQueueId(), nextOffset);
    }

    public static String splitIdOf(String topic, String brokerName, int queueId) {
        return topic + "/" + brokerName + "/" + queueId;
    }

    @Override
    public String splitId() {
        return splitIdOf(topic, brokerName, queueId);
    }

    public String topic() {
        return topic;
    }

    public String brokerName() {
        return brokerName;
    }

    public int queueId() {
        return queueId;
    }

    /** Offset of the next message to read, RocketMQ's meaning of a consumer offset. */
    public long nextOffset() {
        return nextOffset;
    }

    public MessageQueue messageQueue() {
        return new MessageQueue(topic, brokerName, queueId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocketMqSplit other && queueId == other.queueId && nextOffset == other.nextOffset
                && topic.equals(other.topic) && brokerName.equals(other.brokerName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, brokerName, queueId, nextOffset);
    }

    @Override
    public String toString() {
        return "RocketMqSplit{" + splitId() + " @ " + nextOffset + '}';
    }
}
