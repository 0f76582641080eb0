package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SourceEvent;
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
 *
 * <p><b>Removed queues.</b> An assigned queue missing from the route is released only after it has
 * been missing for the grace period ({@code removedQueueGracePeriod}; the time it was first found
 * missing is checkpointed): a restarting broker's queues leave the route for a while too. Then the
 * readers are asked to release it ({@link ReleaseQueues}, repeated at every discovery until
 * answered); the holder stops reading it and answers with its split at the offset it reached
 * ({@link QueuesReleased}), which is remembered, checkpointed and confirmed
 * ({@link ForgetReleasedQueues}). A remembered queue that comes back into the route is assigned
 * again at that offset, never at its earliest. (Flink's split enumerator API has no way to take a
 * split back, and flink-connector-kafka never removes partitions, hence these events.)
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
    /** Assigned queues missing from the route → wall-clock millis when first found missing. */
    private final Map<MessageQueue, Long> missingSinceMillis;
    /** Released queues → their split at the offset the reader released it. */
    private final Map<MessageQueue, RocketMqSplit> removedSplits = new LinkedHashMap<>();
    /** Queues whose release was already logged (the request itself repeats at every discovery). */
    private final Set<MessageQueue> releaseLogged = new HashSet<>();
    private final MetadataFactory metadataFactory;
    private final LongSupplier wallClockMillis;
    private boolean initialDiscoveryFinished;
    private TopicMetadata metadata;
    /** Set by close(); discoveries still in flight then fail on the closed client and are ignored. */
    private volatile boolean closed;

    /** {@code restoredState} is null for a fresh start. */
    public RocketMqSourceEnumerator(SplitEnumeratorContext<RocketMqSplit> context, RocketMqSourceSettings settings,
            RocketMqEnumeratorState restoredState) {
        this(context, settings, restoredState, QueueMetadataClient::open, System::currentTimeMillis);
    }

    /** Opens the broker client of the enumerator; a seam for the enumerator's tests. */
    @FunctionalInterface
    interface MetadataFactory {
        TopicMetadata open(RocketMqSourceSettings settings) throws Exception;
    }

    @VisibleForTesting
    RocketMqSourceEnumerator(SplitEnumeratorContext<RocketMqSplit> context, RocketMqSourceSettings settings,
            RocketMqEnumeratorState restoredState, MetadataFactory metadataFactory, LongSupplier wallClockMillis) {
        this.context = context;
        this.settings = settings;
        this.metadataFactory = metadataFactory;
        this.wallClockMillis = wallClockMillis;
        this.missingSinceMillis = new LinkedHashMap<>(
                restoredState == null ? Map.of() : restoredState.missingSinceMillis());
        if (restoredState != null) {
            restoredState.removedSplits().forEach(s -> removedSplits.put(s.messageQueue(), s));
        }
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
            metadata = metadataFactory.open(settings);
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
        if (!settings.bounded()) {
            Set<MessageQueue> inRoute = new HashSet<>(queues);
            trackMissingQueues(inRoute);
            reassignReturningQueues(inRoute);
        }
        Set<MessageQueue> known = new HashSet<>(assignedQueues);
        known.addAll(resolvingQueues);
        known.addAll(removedSplits.keySet());
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
     * Notes when assigned queues left the route, forgets queues that are back, and asks the readers
     * to release the queues missing for at least the grace period.
     */
    private void trackMissingQueues(Set<MessageQueue> inRoute) {
        long now = wallClockMillis.getAsLong();
        missingSinceMillis.keySet().retainAll(assignedQueues);
        List<MessageQueue> toRelease = new ArrayList<>();
        for (MessageQueue queue : assignedQueues) {
            if (inRoute.contains(queue)) {
                Long since = missingSinceMillis.remove(queue);
                if (since != null) {
                    releaseLogged.remove(queue);
                    LOG.info("Queue {} is back in the route after {} ms; it keeps being read", queue, now - since);
                }
                continue;
            }
            long since = missingSinceMillis.computeIfAbsent(queue, q -> {
                LOG.info("Queue {} is missing from the route of topic {}; it is released if still missing in {} ms",
                        q, settings.topic(), settings.removedQueueGracePeriodMillis());
                return now;
            });
            if (now - since >= settings.removedQueueGracePeriodMillis()) {
                toRelease.add(queue);
            }
        }
        if (toRelease.isEmpty()) {
            return;
        }
        List<MessageQueue> firstTime = toRelease.stream().filter(releaseLogged::add).toList();
        if (!firstTime.isEmpty()) {
            LOG.info("Releasing queue(s) missing from the route for at least {} ms: {}",
                    settings.removedQueueGracePeriodMillis(), firstTime);
        }
        ReleaseQueues request = new ReleaseQueues(toRelease);
        context.registeredReaders().keySet().forEach(reader -> context.sendEventToSourceReader(reader, request));
    }

    /** Removed queues that are in the route again are assigned again, at the offset they were released at. */
    private void reassignReturningQueues(Set<MessageQueue> inRoute) {
        List<RocketMqSplit> returning = new ArrayList<>();
        removedSplits.values().removeIf(split -> inRoute.contains(split.messageQueue()) && returning.add(split));
        if (returning.isEmpty()) {
            return;
        }
        LOG.info("Removed queue(s) of topic {} are back in the route, resuming at their offsets: {}", settings.topic(),
                returning);
        addToPending(returning);
        assignPendingSplits();
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (!(sourceEvent instanceof QueuesReleased released)) {
            LOG.warn("Ignoring unknown source event from reader {}: {}", subtaskId, sourceEvent);
            return;
        }
        List<MessageQueue> queues = new ArrayList<>();
        for (RocketMqSplit split : released.splits()) {
            MessageQueue queue = split.messageQueue();
            assignedQueues.remove(queue);
            missingSinceMillis.remove(queue);
            releaseLogged.remove(queue);
            // A repeated answer (after a restore) carries the offset the reader restored, which is
            // where reading has to resume.
            removedSplits.put(queue, split.asActive());
            queues.add(queue);
        }
        LOG.info("Reader {} released {} queue(s) of topic {}: {}", subtaskId, queues.size(), settings.topic(),
                released.splits());
        context.sendEventToSourceReader(subtaskId, new ForgetReleasedQueues(queues));
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

    /**
     * A reader restarted alone (partial failover) restores its splits from its last checkpoint, which
     * may still hold a queue released since; asking it to release the removed queues again gets it
     * back, and the offset it restored is where that queue resumes.
     */
    @Override
    public void addReader(int subtaskId) {
        assignPendingSplits();
        if (initialDiscoveryFinished) {
            tellReadersQueuesAreAssigned(List.of(subtaskId));
        }
        if (!removedSplits.isEmpty()) {
            context.sendEventToSourceReader(subtaskId, new ReleaseQueues(List.copyOf(removedSplits.keySet())));
        }
    }

    @Override
    public RocketMqEnumeratorState snapshotState(long checkpointId) {
        List<RocketMqSplit> unassigned = new ArrayList<>();
        pendingByReader.values().forEach(unassigned::addAll);
        return new RocketMqEnumeratorState(assignedQueues, unassigned, initialDiscoveryFinished, missingSinceMillis,
                List.copyOf(removedSplits.values()));
    }

    @Override
    public void close() {
        closed = true;
        if (metadata != null) {
            metadata.close();
        }
    }
}
