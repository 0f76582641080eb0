package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.ordertimeout.connector.rocketmq.source.enumerator.ForgetReleasedQueues;
import io.ordertimeout.connector.rocketmq.source.enumerator.QueuesAssigned;
import io.ordertimeout.connector.rocketmq.source.enumerator.QueuesReleased;
import io.ordertimeout.connector.rocketmq.source.enumerator.ReleaseQueues;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.core.io.InputStatus;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source reader: SourceReaderBase does fetching, per-split outputs (so the WatermarkStrategy
 * runs per queue) and the standard metrics; this class adds offset commits on completed
 * checkpoints and marks the reader idle while it owns no queue.
 *
 * <p>Idle: with per-split watermarks, Flink 2.3's SourceOperator combines the watermarks of the
 * reader's split outputs; with no split there is nothing to combine, so neither a watermark nor
 * an idle status is ever emitted, and every downstream operator that also reads from this subtask
 * waits forever (unless the strategy has {@code withIdleness}). That happens whenever the
 * parallelism exceeds the number of queues, so a reader without splits declares itself idle, but
 * only once the enumerator has said that all known queues are assigned ({@link QueuesAssigned}):
 * idle before its first assignment, a reader that is about to get a backlog would let the other
 * readers' watermarks pass the events it has not read yet (DESIGN.md §4). It declares itself
 * active again as soon as it has a split.
 *
 * <p>Released queues: on {@link ReleaseQueues} the reader has the split reader stop reading the
 * queues it holds; once their last fetched records are emitted their splits finish, and the reader
 * sends them, at the offset reached, to the enumerator ({@link QueuesReleased}). It keeps them,
 * marked released, in its checkpoints until the enumerator confirms ({@link ForgetReleasedQueues});
 * a released split restored from a checkpoint is never read, only reported again.
 */
@Internal
public final class RocketMqSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<QueueElement, T, RocketMqSplit, RocketMqSplitState> {

    private final RocketMqSourceFetcherManager fetcherManager;
    private final RocketMqReaderMetrics metrics;
    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceReader.class);

    private final SortedMap<Long, Map<MessageQueue, Long>> offsetsOfPendingCheckpoints = new TreeMap<>();
    /** Splits being read, by queue (task thread). */
    private final Map<MessageQueue, RocketMqSplitState> activeSplits = new HashMap<>();
    /** Queues the split reader was asked to release whose splits have not finished yet. */
    private final Set<MessageQueue> releasing = new HashSet<>();
    /** Released splits, kept in checkpoints until the enumerator confirms it remembers them. */
    private final Map<MessageQueue, RocketMqSplit> releasedSplits = new LinkedHashMap<>();
    private boolean idleWithoutSplits;
    private boolean queuesAssigned;

    public RocketMqSourceReader(RocketMqSourceFetcherManager fetcherManager, RocketMqRecordEmitter<T> recordEmitter,
            SourceReaderContext context, RocketMqReaderMetrics metrics) {
        super(fetcherManager, recordEmitter, new Configuration(), context);
        this.fetcherManager = fetcherManager;
        this.metrics = metrics;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        InputStatus status = super.pollNext(output);
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            if (queuesAssigned && !idleWithoutSplits) {
                output.markIdle();
                idleWithoutSplits = true;
            }
        } else if (idleWithoutSplits) {
            output.markActive();
            idleWithoutSplits = false;
        }
        return status;
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        if (sourceEvent instanceof QueuesAssigned) {
            queuesAssigned = true;
            // Wakes the reader, so that pollNext runs and a reader without splits declares itself idle now.
            fetcherManager.getQueue().notifyAvailable();
        } else if (sourceEvent instanceof ReleaseQueues release) {
            List<MessageQueue> held = release.queues().stream()
                    .filter(q -> activeSplits.containsKey(q) && !releasing.contains(q))
                    .toList();
            if (!held.isEmpty() && fetcherManager.releaseQueues(held)) {
                releasing.addAll(held);
            }
        } else if (sourceEvent instanceof ForgetReleasedQueues forget) {
            releasedSplits.keySet().removeAll(forget.queues());
        } else {
            super.handleSourceEvents(sourceEvent);
        }
    }

    /** Released splits restored from a checkpoint are only reported again, never read. */
    @Override
    public void addSplits(List<RocketMqSplit> splits) {
        List<RocketMqSplit> toRead = new ArrayList<>();
        for (RocketMqSplit split : splits) {
            if (split.isReleased()) {
                releasedSplits.put(split.messageQueue(), split);
            } else {
                toRead.add(split);
            }
        }
        if (!toRead.isEmpty()) {
            super.addSplits(toRead);
        }
    }

    /** Restored released splits are reported once the reader is registered with the enumerator. */
    @Override
    public void start() {
        super.start();
        if (!releasedSplits.isEmpty()) {
            context.sendSourceEventToCoordinator(new QueuesReleased(List.copyOf(releasedSplits.values())));
        }
    }

    @Override
    protected RocketMqSplitState initializedState(RocketMqSplit split) {
        RocketMqSplitState state = new RocketMqSplitState(split);
        metrics.registerSplit(state);
        activeSplits.put(split.messageQueue(), state);
        return state;
    }

    @Override
    protected RocketMqSplit toSplitType(String splitId, RocketMqSplitState state) {
        return state.toSplit();
    }

    /** Splits finish at the end of a bounded split, or when their queue was released. */
    @Override
    protected void onSplitFinished(Map<String, RocketMqSplitState> finishedSplitIds) {
        List<RocketMqSplit> released = new ArrayList<>();
        for (RocketMqSplitState state : finishedSplitIds.values()) {
            MessageQueue queue = state.split().messageQueue();
            activeSplits.remove(queue);
            metrics.unregisterSplit(state);
            if (releasing.remove(queue)) {
                RocketMqSplit split = state.toSplit().asReleased();
                releasedSplits.put(queue, split);
                released.add(split);
            }
        }
        if (!released.isEmpty()) {
            LOG.info("Released {} queue(s) that left the topic's route: {}", released.size(), released);
            context.sendSourceEventToCoordinator(new QueuesReleased(released));
        }
    }

    @Override
    public List<RocketMqSplit> snapshotState(long checkpointId) {
        List<RocketMqSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (RocketMqSplit split : splits) {
            offsets.put(split.messageQueue(), split.nextOffset());
        }
        offsetsOfPendingCheckpoints.put(checkpointId, offsets);
        // Not committed to the broker: the queue may be gone; its offset lives in Flink's state.
        splits.addAll(releasedSplits.values());
        return splits;
    }

    /** Commits the offsets of this checkpoint ("next offset to read") to the broker for the group. */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Map<MessageQueue, Long> offsets = offsetsOfPendingCheckpoints.get(checkpointId);
        // Older checkpoints are subsumed by this one whether or not they completed.
        offsetsOfPendingCheckpoints.headMap(checkpointId + 1).clear();
        if (offsets != null) {
            fetcherManager.commitOffsets(offsets);
        }
    }
}
