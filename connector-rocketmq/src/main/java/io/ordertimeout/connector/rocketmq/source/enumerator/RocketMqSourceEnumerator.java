package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the topic's queues at start and every discovery interval, resolves where each new queue
 * starts and assigns it to its owner reader ({@link QueueOwnership}). Broker calls run on the
 * coordinator's worker thread ({@code callAsync}); all fields are touched only by the coordinator
 * thread.
 */
@Internal
public final class RocketMqSourceEnumerator implements SplitEnumerator<RocketMqSplit, RocketMqEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSourceEnumerator.class);

    private final SplitEnumeratorContext<RocketMqSplit> context;
    private final RocketMqSourceSettings settings;
    private final Set<MessageQueue> assignedQueues;
    /** Queues whose starting offset is being resolved, so overlapping discoveries do not add them twice. */
    private final Set<MessageQueue> resolvingQueues = new HashSet<>();
    private final Map<Integer, List<RocketMqSplit>> pendingByReader = new HashMap<>();
    private boolean initialDiscoveryFinished;
    private QueueMetadataClient metadata;
    /** Set by close(); discoveries still in flight then fail on the closed client and are ignored. */
    private volatile boolean closed;

    /** {@code restoredState} is null for a fresh start. */
    public RocketMqSourceEnumerator(SplitEnumeratorContext<RocketMqSplit> context, RocketMqSourceSettings settings,
            RocketMqEnumeratorState restoredState) {
        this.context = context;
        this.settings = settings;
        this.assignedQueues = new LinkedHashSet<>(
                restoredState == null ? Set.of() : restoredState.assignedQueues());
        this.initialDiscoveryFinished = restoredState != null && restoredState.initialDiscoveryFinished();
        if (restoredState != null) {
            addToPending(restoredState.unassignedSplits());
        }
    }

    @Override
    public void start() {
        try {
            metadata = QueueMetadataClient.open(settings);
        } catch (Exception e) {
            throw new FlinkRuntimeException("Cannot connect to RocketMQ name server " + settings.nameServerAddress(), e);
        }
        long interval = settings.queueDiscoveryIntervalMillis();
        if (interval > 0 && !settings.bounded()) {
            context.callAsync(this::discoverQueues, this::onQueuesDiscovered, 0, interval);
        } else {
            context.callAsync(this::discoverQueues, this::onQueuesDiscovered);
        }
    }

    private List<MessageQueue> discoverQueues() throws Exception {
        return metadata.queues(settings.topic());
    }

    private void onQueuesDiscovered(List<MessageQueue> queues, Throwable error) {
        if (closed) {
            return;
        }
        if (error != null) {
            if (!initialDiscoveryFinished) {
                throw new FlinkRuntimeException("Cannot list the queues of topic " + settings.topic(), error);
            }
            LOG.warn("Queue discovery of topic {} failed, retrying at the next interval: {}", settings.topic(),
                    error.toString());
            return;
        }
        Set<MessageQueue> known = new HashSet<>(assignedQueues);
        known.addAll(resolvingQueues);
        pendingByReader.values().forEach(splits -> splits.forEach(s -> known.add(s.messageQueue())));
        List<MessageQueue> newQueues = queues.stream().filter(q -> !known.contains(q)).toList();
        if (newQueues.isEmpty()) {
            if (!initialDiscoveryFinished) {
                initialDiscoveryFinished = true;
                tellReadersQueuesAreAssigned(context.registeredReaders().keySet());
            }
            return;
        }
        boolean useConfiguredStart = !initialDiscoveryFinished;
        resolvingQueues.addAll(newQueues);
        context.callAsync(() -> resolveStartingOffsets(newQueues, useConfiguredStart),
                (splits, resolveError) -> onSplitsResolved(newQueues, splits, resolveError));
    }

    /**
     * Queues present at the first discovery start where the user asked; queues that appear later
     * were created while the job ran, so all their messages are new and they start at the earliest.
     * A bounded source stops each queue at its end as of now.
     */
    private List<RocketMqSplit> resolveStartingOffsets(List<MessageQueue> queues, boolean useConfiguredStart)
            throws Exception {
        List<RocketMqSplit> splits = new ArrayList<>(queues.size());
        for (MessageQueue queue : queues) {
            long offset = useConfiguredStart
                    ? settings.startingOffsets().resolve(queue, settings.consumerGroup(), metadata)
                    : metadata.minOffset(queue);
            long stoppingOffset = settings.bounded() ? metadata.maxOffset(queue) : RocketMqSplit.NO_STOPPING_OFFSET;
            splits.add(new RocketMqSplit(queue, offset, stoppingOffset));
        }
        return splits;
    }

    private void onSplitsResolved(List<MessageQueue> queues, List<RocketMqSplit> splits, Throwable error) {
        resolvingQueues.removeAll(queues);
        if (closed) {
            return;
        }
        if (error != null) {
            if (!initialDiscoveryFinished) {
                throw new FlinkRuntimeException("Cannot resolve the starting offsets of topic " + settings.topic(), error);
            }
            LOG.warn("Cannot resolve starting offsets of new queues {}, retrying at the next discovery: {}", queues,
                    error.toString());
            return;
        }
        LOG.info("Discovered {} new queue(s) of topic {} (starting offsets {}): {}", splits.size(), settings.topic(),
                initialDiscoveryFinished ? "EARLIEST, created while running" : settings.startingOffsets(), splits);
        initialDiscoveryFinished = true;
        addToPending(splits);
        assignPendingSplits();
        tellReadersQueuesAreAssigned(context.registeredReaders().keySet());
    }

    /**
     * Sent after the assignments, which reach a reader before later events do. A bounded source's
     * readers are also told that no more splits come, so that they finish once theirs are read.
     */
    private void tellReadersQueuesAreAssigned(Collection<Integer> readers) {
        for (Integer reader : readers) {
            context.sendEventToSourceReader(reader, new QueuesAssigned());
            if (settings.bounded()) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    private void addToPending(Collection<RocketMqSplit> splits) {
        int parallelism = context.currentParallelism();
        for (RocketMqSplit split : splits) {
            pendingByReader.computeIfAbsent(QueueOwnership.ownerOf(split.messageQueue(), parallelism),
                    r -> new ArrayList<>()).add(split);
        }
    }

    private void assignPendingSplits() {
        Map<Integer, List<RocketMqSplit>> assignment = new HashMap<>();
        for (Integer reader : context.registeredReaders().keySet()) {
            List<RocketMqSplit> splits = pendingByReader.remove(reader);
            if (splits != null && !splits.isEmpty()) {
                assignment.put(reader, splits);
            }
        }
        if (assignment.isEmpty()) {
            return;
        }
        context.assignSplits(new SplitsAssignment<>(assignment));
        assignment.values().forEach(splits -> splits.forEach(s -> assignedQueues.add(s.messageQueue())));
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on discovery; readers never ask.
    }

    /** Splits of a failed reader since the last checkpoint come back with that checkpoint's offsets. */
    @Override
    public void addSplitsBack(List<RocketMqSplit> splits, int subtaskId) {
        addToPending(splits);
        assignPendingSplits();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPendingSplits();
        if (initialDiscoveryFinished) {
            tellReadersQueuesAreAssigned(List.of(subtaskId));
        }
    }

    @Override
    public RocketMqEnumeratorState snapshotState(long checkpointId) {
        List<RocketMqSplit> unassigned = new ArrayList<>();
        pendingByReader.values().forEach(unassigned::addAll);
        return new RocketMqEnumeratorState(assignedQueues, unassigned, initialDiscoveryFinished);
    }

    @Override
    public void close() {
        closed = true;
        if (metadata != null) {
            metadata.close();
        }
    }
}
