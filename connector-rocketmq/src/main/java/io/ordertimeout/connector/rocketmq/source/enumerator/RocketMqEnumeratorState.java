package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What the enumerator checkpoints: the queues already handed to readers (their offsets live in the
 * readers' split state), the splits resolved but not yet handed to a reader (their reader had not
 * registered; without them here a restore would lose their starting offsets and read those queues
 * from the earliest offset), and whether the first discovery finished, after which newly found
 * queues start at their earliest offset instead of the configured starting offsets.
 */
@Internal
public final class RocketMqEnumeratorState {

    private final Set<MessageQueue> assignedQueues;
    private final List<RocketMqSplit> unassignedSplits;
    private final boolean initialDiscoveryFinished;

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, boolean initialDiscoveryFinished) {
        this(assignedQueues, List.of(), initialDiscoveryFinished);
    }

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, List<RocketMqSplit> unassignedSplits,
            boolean initialDiscoveryFinished) {
        this.assignedQueues = Collections.unmodifiableSet(new LinkedHashSet<>(assignedQueues));
        this.unassignedSplits = List.copyOf(unassignedSplits);
        this.initialDiscoveryFinished = initialDiscoveryFinished;
    }

    /** Splits resolved but not yet assigned, with the offsets they start at. */
    public List<RocketMqSplit> unassignedSplits() {
        return unassignedSplits;
    }

    public Set<MessageQueue> assignedQueues() {
        return assignedQueues;
    }

    public boolean initialDiscoveryFinished() {
        return initialDiscoveryFinished;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocketMqEnumeratorState other && initialDiscoveryFinished == other.initialDiscoveryFinished
                && assignedQueues.equals(other.assignedQueues) && unassignedSplits.equals(other.unassignedSplits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedQueues, unassignedSplits, initialDiscoveryFinished);
    }

    @Override
    public String toString() {
        return "RocketMqEnumeratorState{assignedQueues=" + assignedQueues.size()
                + ", unassignedSplits=" + unassignedSplits.size()
                + ", initialDiscoveryFinished=" + initialDiscoveryFinished + '}';
    }
}
