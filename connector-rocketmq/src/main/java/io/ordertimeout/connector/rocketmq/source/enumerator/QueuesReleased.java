package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.List;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader → enumerator: the reader stopped reading these splits (answer to {@link ReleaseQueues});
 * each carries the offset of the next message not yet emitted. The enumerator remembers them, so
 * that a queue coming back resumes there, and confirms with {@link ForgetReleasedQueues}.
 *
 * <p>Why the reader keeps a released split until that confirmation: an event from a reader to the
 * enumerator is not aligned with checkpoints (unlike the other direction), so it may reach the
 * enumerator after the enumerator's part of a checkpoint while the reader's part already lacks the
 * split; a restore from that checkpoint would have lost the offset. The reader therefore keeps the
 * released split in its own checkpoints until the confirmation, which is checkpoint-aligned: a
 * reader checkpoint without the split belongs to an enumerator checkpoint that has it.
 */
@Internal
public final class QueuesReleased implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final List<RocketMqSplit> splits;

    public QueuesReleased(List<RocketMqSplit> splits) {
        this.splits = List.copyOf(splits);
    }

    public List<RocketMqSplit> splits() {
        return splits;
    }

    @Override
    public String toString() {
        return "QueuesReleased" + splits;
    }
}
