package io.ordertimeout.connector.rocketmq.source.split;

import org.apache.flink.annotation.Internal;


/**
 * The mutable reading position of a split. Written by the task thread as records are emitted, read
 * by checkpoints (same thread) and by metric reporters (other threads, hence volatile).
 */
@Internal
public final class RocketMqSplitState {

    private final RocketMqSplit split;
    private volatile long nextOffset;
    private volatile long brokerMaxOffset = -1;

    public RocketMqSplitState(RocketMqSplit split) {
        this.split = split;
        this.nextOffset = split.nextOffset();
    }

    public String splitId() {
        return split.splitId();
    }

    public RocketMqSplit split() {
        return split;
    }

    public long nextOffset() {
        return nextOffset;
    }

    /** Records that the message at {@code offset} was emitted; {@code maxOffset} is the broker's, if known. */
    public void emitted(long offset, long maxOffset) {
        nextOffset = offset + 1;
        if (maxOffset >= 0) {
            brokerMaxOffset = maxOffset;
        }
    }

    /** Records the broker's max offset of the queue, learnt without a message (an end probe). */
    public void brokerMaxOffset(long maxOffset) {
        brokerMaxOffset = maxOffset;
    }

    /** Messages the broker holds beyond the reading position as of the last poll; 0 before the first. */
    public long lag() {
        long max = brokerMaxOffset;
        return max < 0 ? 0 : Math.max(0, max - nextOffset);
    }

    public RocketMqSplit toSplit() {
        return new RocketMqSplit(split.topic(), split.brokerName(), split.queueId(), nextOffset,
                split.stoppingOffset());
    }
}
