package io.ordertimeout.connector.rocketmq.source;

import java.time.Duration;

import io.ordertimeout.connector.rocketmq.AclCredentials;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import org.apache.flink.annotation.PublicEvolving;

/** Builds a {@link RocketMqSource}; name server, topic, consumer group and deserializer are required. */
@PublicEvolving
public final class RocketMqSourceBuilder<T> {

    private String nameServerAddress;
    private String topic;
    private String consumerGroup;
    private String tagExpression = "*";
    private StartingOffsets startingOffsets = StartingOffsets.committedOrEarliest();
    private AclCredentials aclCredentials;
    private int pollBatchSize = 32;
    private Duration pollTimeout = Duration.ofMillis(200);
    private Duration queueDiscoveryInterval = Duration.ofSeconds(30);
    private Duration endProbeInterval = Duration.ofMillis(500);
    private boolean bounded;
    private int prefetchMessagesPerQueue = 1000;
    private int prefetchMebibytesPerQueue = 16;
    private Duration removedQueueGracePeriod = Duration.ofMinutes(5);
    private RocketMqDeserializationSchema<T> deserializer;

    RocketMqSourceBuilder() {}

    /** {@code host:port}, several separated by ';'. */
    public RocketMqSourceBuilder<T> setNameServerAddress(String nameServerAddress) {
        this.nameServerAddress = nameServerAddress;
        return this;
    }

    public RocketMqSourceBuilder<T> setTopic(String topic) {
        this.topic = topic;
        return this;
    }

    /** The group offsets are committed for; also what "committed" starting offsets read. */
    public RocketMqSourceBuilder<T> setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
        return this;
    }

    /** RocketMQ tag filter, e.g. {@code "*"} (default) or {@code "ORDER_CREATED || ORDER_PAID"}. */
    public RocketMqSourceBuilder<T> setTagExpression(String tagExpression) {
        this.tagExpression = tagExpression;
        return this;
    }

    /** Where queues without checkpointed offsets start; default committed-or-earliest. */
    public RocketMqSourceBuilder<T> setStartingOffsets(StartingOffsets startingOffsets) {
        this.startingOffsets = startingOffsets;
        return this;
    }

    public RocketMqSourceBuilder<T> setAclCredentials(String accessKey, String secretKey) {
        this.aclCredentials = new AclCredentials(accessKey, secretKey);
        return this;
    }

    /** Messages per pull request and queue; default 32 (the client's default). */
    public RocketMqSourceBuilder<T> setPollBatchSize(int pollBatchSize) {
        this.pollBatchSize = pollBatchSize;
        return this;
    }

    /** Longest wait of one poll when no message is ready; default 200 ms. */
    public RocketMqSourceBuilder<T> setPollTimeout(Duration pollTimeout) {
        this.pollTimeout = pollTimeout;
        return this;
    }

    /** How often new queues of the topic are looked for; {@code Duration.ZERO} = only at start. Default 30 s. */
    public RocketMqSourceBuilder<T> setQueueDiscoveryInterval(Duration queueDiscoveryInterval) {
        this.queueDiscoveryInterval = queueDiscoveryInterval;
        return this;
    }

    /**
     * How often, at most, the broker is asked where a queue that returned nothing ends; default
     * 500 ms. A caught-up queue is reported to the deserializer ({@code caughtUp}) at this pace, so
     * it bounds how far behind the wall clock a quiet queue's watermark can be.
     */
    public RocketMqSourceBuilder<T> setEndProbeInterval(Duration endProbeInterval) {
        this.endProbeInterval = endProbeInterval;
        return this;
    }

    /**
     * How much the consumer fetches ahead per queue before it stops pulling that queue: at most
     * {@code messages} messages and {@code mebibytes} MiB of bodies. Defaults 1000 messages (the
     * client's default) and 16 MiB (the client's 100 MiB per queue can exhaust a TaskManager's heap
     * with a few dozen queues). Lower limits also make watermark alignment tighter: a paused queue
     * still emits what was fetched for it before the pause.
     */
    public RocketMqSourceBuilder<T> setPrefetchLimitsPerQueue(int messages, int mebibytes) {
        this.prefetchMessagesPerQueue = messages;
        this.prefetchMebibytesPerQueue = mebibytes;
        return this;
    }

    /**
     * How long a queue that is being read must be missing from the topic's route before its reader
     * stops reading it; default 5 minutes. Checked at every queue discovery, so the effective delay
     * is up to one discovery interval longer. A queue leaves the route for good when the topic gets
     * fewer queues or a broker is decommissioned, but also for a while when its broker restarts or
     * misses heartbeats: keep this longer than such an outage. A released queue's offset is kept, so
     * if it comes back it resumes there, never at its earliest offset.
     */
    public RocketMqSourceBuilder<T> setRemovedQueueGracePeriod(Duration removedQueueGracePeriod) {
        this.removedQueueGracePeriod = removedQueueGracePeriod;
        return this;
    }

    /**
     * Makes the source bounded: each queue found at start is read up to its end as of that moment
     * (its max offset), then the source finishes. Queues are discovered once. Default: unbounded.
     */
    public RocketMqSourceBuilder<T> setBounded() {
        this.bounded = true;
        return this;
    }

    public RocketMqSourceBuilder<T> setDeserializer(RocketMqDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    public RocketMqSource<T> build() {
        requireText(nameServerAddress, "nameServerAddress");
        requireText(topic, "topic");
        requireText(consumerGroup, "consumerGroup");
        requireText(tagExpression, "tagExpression");
        require(startingOffsets != null, "startingOffsets must be set");
        require(deserializer != null, "deserializer must be set");
        require(pollBatchSize > 0, "pollBatchSize must be positive, got " + pollBatchSize);
        require(pollTimeout != null && !pollTimeout.isNegative() && !pollTimeout.isZero(),
                "pollTimeout must be positive, got " + pollTimeout);
        require(queueDiscoveryInterval != null && !queueDiscoveryInterval.isNegative(),
                "queueDiscoveryInterval must be zero or positive, got " + queueDiscoveryInterval);
        require(endProbeInterval != null && !endProbeInterval.isNegative(),
                "endProbeInterval must be zero or positive, got " + endProbeInterval);
        require(prefetchMessagesPerQueue > 0,
                "prefetch messages per queue must be positive, got " + prefetchMessagesPerQueue);
        require(prefetchMebibytesPerQueue > 0 && prefetchMebibytesPerQueue <= 1024,
                "prefetch MiB per queue must be in 1..1024, got " + prefetchMebibytesPerQueue);
        require(removedQueueGracePeriod != null && !removedQueueGracePeriod.isNegative(),
                "removedQueueGracePeriod must be zero or positive, got " + removedQueueGracePeriod);
        RocketMqSourceSettings settings = new RocketMqSourceSettings(nameServerAddress, topic, consumerGroup,
                tagExpression, startingOffsets, aclCredentials, pollBatchSize, pollTimeout, queueDiscoveryInterval,
                endProbeInterval, bounded, prefetchMessagesPerQueue, prefetchMebibytesPerQueue,
                removedQueueGracePeriod);
        return new RocketMqSource<>(settings, deserializer);
    }

    private static void requireText(String value, String option) {
        require(value != null && !value.isBlank(), option + " must be set");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("RocketMqSource: " + message);
        }
    }
}
