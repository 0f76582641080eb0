package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.List;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Enumerator → reader: the enumerator now remembers the offsets of these released queues (see
 * {@link QueuesReleased}), so the reader may drop them from its state.
 */
@Internal
public final class ForgetReleasedQueues implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final List<MessageQueue> queues;

    public ForgetReleasedQueues(List<MessageQueue> queues) {
        this.queues = List.copyOf(queues);
    }

    public List<MessageQueue> queues() {
        return queues;
    }

    @Override
    public String toString() {
        return "ForgetReleasedQueues" + queues;
    }
}
