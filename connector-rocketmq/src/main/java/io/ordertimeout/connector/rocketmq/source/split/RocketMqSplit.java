package io.ordertimeout.connector.rocketmq.source.split;

import java.io.Serializable;
import java.util.Objects;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * One message queue of the topic, the offset of the next message to read from it and, for a
 * bounded source, the offset at which reading it stops.
 *
 * <p>A <b>released</b> split belongs to a queue that left the topic's route: its reader stopped
 * reading it and keeps it (in its checkpoints too) only until the enumerator confirms that it
 * remembers the offset. A reader never reads a released split; see {@code QueuesReleased}.
 */
@Internal
public final class RocketMqSplit implements SourceSplit, Serializable {

    /** Splits travel in source events ({@code QueuesReleased}), which Flink sends Java-serialized. */
    private static final long serialVersionUID = 1L;

    /** The stopping offset of a split that is read for as long as the job runs. */
    public static final long NO_STOPPING_OFFSET = Long.MIN_VALUE;

    private final String topic;
    private final String brokerName;
    private final int queueId;
    private final long nextOffset;
    private final long stoppingOffset;
    private final boolean released;

    public RocketMqSplit(String topic, String brokerName, int queueId, long nextOffset) {
        this(topic, brokerName, queueId, nextOffset, NO_STOPPING_OFFSET);
    }

    /** @param stoppingOffset the first offset not to read, or {@link #NO_STOPPING_OFFSET} */
    public RocketMqSplit(String topic, String brokerName, int queueId, long nextOffset, long stoppingOffset) {
        this(topic, brokerName, queueId, nextOffset, stoppingOffset, false);
    }

    private RocketMqSplit(String topic, String brokerName, int queueId, long nextOffset, long stoppingOffset,
            boolean released) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.brokerName = Objects.requireNonNull(brokerName, "brokerName");
        this.queueId = queueId;
        this.nextOffset = nextOffset;
        this.stoppingOffset = stoppingOffset;
        this.released = released;
    }

    /** This split, marked as released by its reader (its queue left the route). */
    public RocketMqSplit asReleased() {
        return new RocketMqSplit(topic, brokerName, queueId, nextOffset, stoppingOffset, true);
    }

    /** This split, to be read again (its queue is back in the route). */
    public RocketMqSplit asActive() {
        return new RocketMqSplit(topic, brokerName, queueId, nextOffset, stoppingOffset, false);
    }

    /** Whether its reader released it: not to be read, only remembered until the enumerator confirms. */
    public boolean isReleased() {
        return released;
    }

    public RocketMqSplit(MessageQueue queue, long nextOffset) {
        this(queue, nextOffset, NO_STOPPING_OFFSET);
    }

    public RocketMqSplit(MessageQueue queue, long nextOffset, long stoppingOffset) {
        this(queue.getTopic(), queue.getBrokerName(), queue.getQueueId(), nextOffset, stoppingOffset);
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

    /** The first offset not to read (bounded source), or {@link #NO_STOPPING_OFFSET}. */
    public long stoppingOffset() {
        return stoppingOffset;
    }

    public boolean isBounded() {
        return stoppingOffset != NO_STOPPING_OFFSET;
    }

    /** Whether this split has nothing left to read: bounded and at or past its stopping offset. */
    public boolean isFinished() {
        return isBounded() && nextOffset >= stoppingOffset;
    }

    public MessageQueue messageQueue() {
        return new MessageQueue(topic, brokerName, queueId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocketMqSplit other && queueId == other.queueId && nextOffset == other.nextOffset
                && stoppingOffset == other.stoppingOffset && released == other.released && topic.equals(other.topic)
                && brokerName.equals(other.brokerName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, brokerName, queueId, nextOffset, stoppingOffset, released);
    }

    @Override
    public String toString() {
        return "RocketMqSplit{" + splitId() + " @ " + nextOffset + (isBounded() ? " until " + stoppingOffset : "")
                + (released ? " released" : "") + '}';
    }
}
