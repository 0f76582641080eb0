package io.ordertimeout.connector.rocketmq.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Which reader owns a queue: a pure function of the queue and the parallelism, so the same queue
 * always goes to the same subtask and the queues of one broker spread evenly (consecutive queue
 * ids go to consecutive readers from a start derived from topic and broker).
 */
@Internal
public final class QueueOwnership {

    private QueueOwnership() {}

    public static int ownerOf(MessageQueue queue, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("Parallelism must be positive, got " + parallelism);
        }
        int start = ((queue.getTopic().hashCode() * 31 + queue.getBrokerName().hashCode()) & Integer.MAX_VALUE)
                % parallelism;
        return (start + queue.getQueueId()) % parallelism;
    }
}
