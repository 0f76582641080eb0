package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.ordertimeout.connector.rocketmq.source.enumerator.QueuesAssigned;
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
 */
@Internal
public final class RocketMqSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<QueueElement, T, RocketMqSplit, RocketMqSplitState> {

    private final RocketMqSourceFetcherManager fetcherManager;
    private final RocketMqReaderMetrics metrics;
    private final SortedMap<Long, Map<MessageQueue, Long>> offsetsOfPendingCheckpoints = new TreeMap<>();
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
        } else {
            super.handleSourceEvents(sourceEvent);
        }
    }

    @Override
    protected RocketMqSplitState initializedState(RocketMqSplit split) {
        RocketMqSplitState state = new RocketMqSplitState(split);
        metrics.registerSplit(state);
        return state;
    }

    @Override
    protected RocketMqSplit toSplitType(String splitId, RocketMqSplitState state) {
        return state.toSplit();
    }

    @Override
    protected void onSplitFinished(Map<String, RocketMqSplitState> finishedSplitIds) {
        // Queues never finish: the source is unbounded.
    }

    @Override
    public List<RocketMqSplit> snapshotState(long checkpointId) {
        List<RocketMqSplit> splits = super.snapshotState(checkpointId);
        Map<MessageQueue, Long> offsets = new HashMap<>();
        for (RocketMqSplit split : splits) {
            offsets.put(split.messageQueue(), split.nextOffset());
        }
        offsetsOfPendingCheckpoints.put(checkpointId, offsets);
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
