package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import org.apache.rocketmq.common.message.MessageQueue;

/**
 * What the enumerator checkpoints: the queues already handed to readers (their offsets live in the
 * readers' split state) and whether the first discovery finished, after which newly found queues
 * start at their earliest offset instead of the configured starting offsets.
 */
public final class RocketMqEnumeratorState {

    private final Set<MessageQueue> assignedQueues;
    private final boolean initialDiscoveryFinished;

    public RocketMqEnumeratorState(Set<MessageQueue> assignedQueues, boolean initialDiscoveryFinished) {
        this.assignedQueues = Collections.unmodifiableSet(new LinkedHashSet<>(assignedQueues));
        this.initialDiscoveryFinished = initialDiscoveryFinished;
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
                && assignedQueues.equals(other.assignedQueues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedQueues, initialDiscoveryFinished);
    }

    @Override
    public String toString() {
        return "RocketMqEnumeratorState{assignedQueues=" + assignedQueues.size()
                + ", initialDiscoveryFinished=" + initialDiscoveryFinished + '}';
    }
}
