package io.ordertimeout.connector.rocketmq.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What the fetcher thread hands to the task thread for one queue, in queue order: a message, or
 * where the queue ended at the broker when the fetcher last asked. The task thread sees an
 * {@link EndProbe} only after every message fetched before it, so comparing its offset with the
 * split's next offset tells whether the split had emitted everything the broker held.
 */
@Internal
public sealed interface QueueElement {

    record Message(MessageExt message) implements QueueElement {}

    /**
     * @param maxOffset the queue's max offset (offset of the next message to be stored)
     * @param probedAt wall time just before the broker was asked: every message stored before it
     *     has an offset below {@code maxOffset}
     */
    record EndProbe(long maxOffset, long probedAt) implements QueueElement {}
}
