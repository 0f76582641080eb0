package io.ordertimeout.connector.rocketmq.source;

import java.io.Serializable;
import java.util.Objects;
import java.util.OptionalLong;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where a queue is read from the first time the source sees it (a restored split always resumes
 * at its checkpointed offset). Offsets are RocketMQ queue offsets and always mean "next message to
 * read".
 */
@PublicEvolving
public final class StartingOffsets implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The ways of picking the start. */
    public enum Kind {
        EARLIEST, LATEST, TIMESTAMP, COMMITTED_OR_EARLIEST, COMMITTED_OR_LATEST
    }

    /** Offset queries the enumerator answers from the broker. */
    @Internal
    public interface QueueOffsets {
        long minOffset(MessageQueue queue) throws Exception;

        /** The offset the next written message will get. */
        long maxOffset(MessageQueue queue) throws Exception;

        /** The offset of the first message stored at or after {@code timestampMillis}. */
        long offsetForTimestamp(MessageQueue queue, long timestampMillis) throws Exception;

        /** The offset the consumer group committed, empty if it never committed on this queue. */
        OptionalLong committedOffset(String consumerGroup, MessageQueue queue) throws Exception;
    }

    private final Kind kind;
    private final long timestampMillis;

    private StartingOffsets(Kind kind, long timestampMillis) {
        this.kind = kind;
        this.timestampMillis = timestampMillis;
    }

    public static StartingOffsets earliest() {
        return new StartingOffsets(Kind.EARLIEST, -1);
    }

    public static StartingOffsets latest() {
        return new StartingOffsets(Kind.LATEST, -1);
    }

    /** First message whose broker store time is at or after {@code timestampMillis}. */
    public static StartingOffsets timestamp(long timestampMillis) {
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("Starting timestamp must not be negative, got " + timestampMillis);
        }
        return new StartingOffsets(Kind.TIMESTAMP, timestampMillis);
    }

    /** The group's committed offset, else the earliest message. The default. */
    public static StartingOffsets committedOrEarliest() {
        return new StartingOffsets(Kind.COMMITTED_OR_EARLIEST, -1);
    }

    /** The group's committed offset, else the end of the queue (only new messages). */
    public static StartingOffsets committedOrLatest() {
        return new StartingOffsets(Kind.COMMITTED_OR_LATEST, -1);
    }

    public Kind kind() {
        return kind;
    }

    /** Resolves the start of one queue to a concrete offset, clamped to what the broker still holds. */
    public long resolve(MessageQueue queue, String consumerGroup, QueueOffsets offsets) throws Exception {
        switch (kind) {
            case EARLIEST:
                return offsets.minOffset(queue);
            case LATEST:
                return offsets.maxOffset(queue);
            case TIMESTAMP:
                return offsets.offsetForTimestamp(queue, timestampMillis);
            case COMMITTED_OR_EARLIEST:
            case COMMITTED_OR_LATEST:
                OptionalLong committed = offsets.committedOffset(consumerGroup, queue);
                if (committed.isPresent()) {
                    long min = offsets.minOffset(queue);
                    long max = offsets.maxOffset(queue);
                    return Math.max(min, Math.min(max, committed.getAsLong()));
                }
                return kind == Kind.COMMITTED_OR_EARLIEST ? offsets.minOffset(queue) : offsets.maxOffset(queue);
            default:
                throw new IllegalStateException("Unknown kind " + kind);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartingOffsets other && kind == other.kind && timestampMillis == other.timestampMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, timestampMillis);
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? "TIMESTAMP(" + timestampMillis + ")" : kind.name();
    }
}
