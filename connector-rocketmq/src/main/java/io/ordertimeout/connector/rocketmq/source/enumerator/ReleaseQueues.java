package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.List;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Enumerator → every reader: these queues have been missing from the topic's route for longer
 * than the grace period; whoever holds one of them stops reading it and answers with
 * {@link QueuesReleased}. Sent to every reader, not only the queue's {@link QueueOwnership} owner:
 * after a restore at another parallelism a split may sit with any reader. Readers that hold none
 * of them ignore it; the enumerator repeats it at every discovery until it has the answer.
 */
@Internal
public final class ReleaseQueues implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final List<MessageQueue> queues;

    public ReleaseQueues(List<MessageQueue> queues) {
        this.queues = List.copyOf(queues);
    }

    public List<MessageQueue> queues() {
        return queues;
    }

    @Override
    public String toString() {
        return "ReleaseQueues" + queues;
    }
}
