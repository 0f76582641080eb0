package io.ordertimeout.connector.rocketmq.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

import io.ordertimeout.connector.rocketmq.AclCredentials;
import org.apache.flink.annotation.Internal;

/** The validated options of a {@link RocketMqSource}; built by {@link RocketMqSourceBuilder}. */
@Internal
public final class RocketMqSourceSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String nameServerAddress;
    private final String topic;
    private final String consumerGroup;
    private final String tagExpression;
    private final StartingOffsets startingOffsets;
    private final AclCredentials aclCredentials;
    private final int pollBatchSize;
    private final long pollTimeoutMillis;
    private final long queueDiscoveryIntervalMillis;
    private final long endProbeIntervalMillis;
    private final boolean bounded;
    private final int prefetchMessagesPerQueue;
    private final int prefetchMebibytesPerQueue;
    private final long removedQueueGracePeriodMillis;

    RocketMqSourceSettings(String nameServerAddress, String topic, String consumerGroup, String tagExpression,
            StartingOffsets startingOffsets, AclCredentials aclCredentials, int pollBatchSize, Duration pollTimeout,
            Duration queueDiscoveryInterval, Duration endProbeInterval, boolean bounded, int prefetchMessagesPerQueue,
            int prefetchMebibytesPerQueue, Duration removedQueueGracePeriod) {
        this.nameServerAddress = nameServerAddress;
        this.topic = topic;
        this.consumerGroup = consumerGroup;
        this.tagExpression = tagExpression;
        this.startingOffsets = startingOffsets;
        this.aclCredentials = aclCredentials;
        this.pollBatchSize = pollBatchSize;
        this.pollTimeoutMillis = pollTimeout.toMillis();
        this.queueDiscoveryIntervalMillis = queueDiscoveryInterval.toMillis();
        this.endProbeIntervalMillis = endProbeInterval.toMillis();
        this.bounded = bounded;
        this.prefetchMessagesPerQueue = prefetchMessagesPerQueue;
        this.prefetchMebibytesPerQueue = prefetchMebibytesPerQueue;
        this.removedQueueGracePeriodMillis = removedQueueGracePeriod.toMillis();
    }

    /** How long an assigned queue must be missing from the topic's route before its split is released. */
    public long removedQueueGracePeriodMillis() {
        return removedQueueGracePeriodMillis;
    }

    /** Messages the consumer fetches ahead per queue, at most. */
    public int prefetchMessagesPerQueue() {
        return prefetchMessagesPerQueue;
    }

    /** MiB of message bodies the consumer fetches ahead per queue, at most. */
    public int prefetchMebibytesPerQueue() {
        return prefetchMebibytesPerQueue;
    }

    /** Whether each queue is read only up to its end as found at start. */
    public boolean bounded() {
        return bounded;
    }

    public String nameServerAddress() {
        return nameServerAddress;
    }

    public String topic() {
        return topic;
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    public String tagExpression() {
        return tagExpression;
    }

    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }

    public Optional<AclCredentials> aclCredentials() {
        return Optional.ofNullable(aclCredentials);
    }

    public int pollBatchSize() {
        return pollBatchSize;
    }

    public long pollTimeoutMillis() {
        return pollTimeoutMillis;
    }

    /** 0 means the queues are discovered once, at start. */
    public long queueDiscoveryIntervalMillis() {
        return queueDiscoveryIntervalMillis;
    }

    /** How often, at most, the broker is asked where a quiet queue ends. */
    public long endProbeIntervalMillis() {
        return endProbeIntervalMillis;
    }

    @Override
    public String toString() {
        return "RocketMqSourceSettings{nameServerAddress=" + nameServerAddress + ", topic=" + topic
                + ", consumerGroup=" + consumerGroup + ", tagExpression=" + tagExpression
                + ", startingOffsets=" + startingOffsets + ", acl=" + aclCredentials
                + ", pollBatchSize=" + pollBatchSize + ", pollTimeoutMillis=" + pollTimeoutMillis
                + ", queueDiscoveryIntervalMillis=" + queueDiscoveryIntervalMillis
                + ", endProbeIntervalMillis=" + endProbeIntervalMillis + ", bounded=" + bounded
                + ", prefetchPerQueue=" + prefetchMessagesPerQueue + " messages/" + prefetchMebibytesPerQueue + " MiB"
                + ", removedQueueGracePeriodMillis=" + removedQueueGracePeriodMillis + '}';
    }
}
