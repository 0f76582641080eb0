package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What the enumerator checkpoints: the queues already handed to readers (their offsets live in the
 * readers' split state), the splits resolved but not yet handed to a reader (their reader had not
 * registered; without them here a restore would lose their starting offsets and read those queues
 * from the earliest offset), whether the first discovery finished, after which newly found
 * queues start at their earliest offset instead of the configured starting offsets, since when
 * assigned queues have been missing from the topic's route (so the grace period before they are
 * released runs on across a restore), and the splits of removed queues with the offset at which
 * their reader released them (so a queue that comes back resumes there, not at its earliest).
 */
@Internal
public final class RocketMqEnumeratorState {

    private final Set<MessageQueue> assignedQueues;
    private final List<RocketMqSplit> unassignedSplits;
    private final boolean initialDiscoveryFinished;
    private final Map<MessageQueue, Long> missingSinceMillis;
    private final List<RocketMqSplit> removedSplits;

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, boolean initialDiscoveryFinished) {
        this(assignedQueues, List.of(), initialDiscoveryFinished);
    }

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, List<RocketMqSplit> unassignedSplits,
            boolean initialDiscoveryFinished) {
        this(assignedQueues, unassignedSplits, initialDiscoveryFinished, Map.of(), List.of());
    }

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, List<RocketMqSplit> unassignedSplits,
            boolean initialDiscoveryFinished, Map<MessageQueue, Long> missingSinceMillis,
            List<RocketMqSplit> removedSplits) {
        this.assignedQueues = Collections.unmodifiableSet(new LinkedHashSet<>(assignedQueues));
        this.unassignedSplits = List.copyOf(unassignedSplits);
        this.initialDiscoveryFinished = initialDiscoveryFinished;
        this.missingSinceMillis = Collections.unmodifiableMap(new LinkedHashMap<>(missingSinceMillis));
        this.removedSplits = List.copyOf(removedSplits);
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

    /** Assigned queues missing from the route, with the wall-clock time they were first found missing. */
    public Map<MessageQueue, Long> missingSinceMillis() {
        return missingSinceMillis;
    }

    /** Splits of queues removed from the route, with the offset their reader released them at. */
    public List<RocketMqSplit> removedSplits() {
        return removedSplits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocketMqEnumeratorState other && initialDiscoveryFinished == other.initialDiscoveryFinished
                && assignedQueues.equals(other.assignedQueues) && unassignedSplits.equals(other.unassignedSplits)
                && missingSinceMillis.equals(other.missingSinceMillis) && removedSplits.equals(other.removedSplits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedQueues, unassignedSplits, initialDiscoveryFinished, missingSinceMillis,
                removedSplits);
    }

    @Override
    public String toString() {
        return "RocketMqEnumeratorState{assignedQueues=" + assignedQueues.size()
                + ", unassignedSplits=" + unassignedSplits.size()
                + ", initialDiscoveryFinished=" + initialDiscoveryFinished
                + ", missingQueues=" + missingSinceMillis.size()
                + ", removedSplits=" + removedSplits.size() + '}';
    }
}
