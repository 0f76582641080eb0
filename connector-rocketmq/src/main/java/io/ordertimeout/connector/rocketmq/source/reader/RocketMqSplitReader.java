package io.ordertimeout.connector.rocketmq.source.reader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.ordertimeout.connector.rocketmq.RocketMqClientIds;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.enumerator.QueueMetadataClient;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.store.OffsetStore;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the assigned queues with one {@link DefaultLitePullConsumer} in assign mode (no broker-side
 * rebalancing, no auto-commit). Runs on the fetcher thread, which is also where offsets are
 * committed, so the consumer is used by one thread: the task thread only hands over the offsets of
 * a completed checkpoint ({@link #requestCommit}); they are sent before the next poll, or in
 * {@link #close()} (stop-with-savepoint closes the reader right after the savepoint completes).
 *
 * <p>Every queue is read unfiltered ({@code *}); the source's tag filter is applied by the record
 * emitter. A broker-side filter would skip offsets the reader never sees, so a queue whose newest
 * messages are filtered out could never be recognised as caught up (see {@link QueueEndProber}).
 * Queues that returned nothing in a fetch are probed for their end, in line with their messages.
 *
 * <p>A bounded split is finished, and its queue unassigned, once the message before its stopping
 * offset was fetched; later messages of it are dropped. Splits paused for watermark alignment
 * ({@link #pauseOrResumeSplits}) stop being pulled; what the consumer had already fetched for them
 * is still emitted (at most its per-queue prefetch limit).
 */
@Internal
public final class RocketMqSplitReader implements SplitReader<QueueElement, RocketMqSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqSplitReader.class);

    private final RocketMqSourceSettings settings;
    private final RocketMqReaderMetrics metrics;
    private final Map<MessageQueue, RocketMqSplit> assigned = new LinkedHashMap<>();
    private final DefaultLitePullConsumer consumer;
    private final AtomicReference<Map<MessageQueue, Long>> offsetsToCommit = new AtomicReference<>();
    private final QueueMetadataClient metadata;
    private final QueueEndProber endProber;
    /** Bounded splits finished outside a fetch (assigned at or past their end), reported by the next fetch. */
    private final Set<String> finishedToReport = new HashSet<>();
    /** Written by the task thread (pause/resume), read by the fetcher thread when queues are assigned. */
    private final Set<MessageQueue> pausedQueues = ConcurrentHashMap.newKeySet();

    RocketMqSplitReader(RocketMqSourceSettings settings, RocketMqReaderMetrics metrics, int subtaskIndex) {
        this.settings = settings;
        this.metrics = metrics;
        try {
            this.metadata = QueueMetadataClient.open(settings, "rocketmq-reader-probe-" + subtaskIndex);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the RocketMQ client for " + settings.topic(), e);
        }
        this.endProber = new QueueEndProber(metadata::maxOffset, settings.endProbeIntervalMillis(),
                System::currentTimeMillis);
        this.consumer = new DefaultLitePullConsumer(settings.consumerGroup(),
                settings.aclCredentials().map(c -> c.toRpcHook()).orElse(null));
        consumer.setNamesrvAddr(settings.nameServerAddress());
        consumer.setInstanceName(RocketMqClientIds.uniqueInstanceName("rocketmq-reader-" + subtaskIndex));
        // Offsets belong to Flink's checkpoints; they reach the broker only through commitOffsets.
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(settings.pollBatchSize());
        consumer.setPollTimeoutMillis(settings.pollTimeoutMillis());
        consumer.setPullThresholdForQueue(settings.prefetchMessagesPerQueue());
        consumer.setPullThresholdSizeForQueue(settings.prefetchMebibytesPerQueue());
        try {
            consumer.setSubExpressionForAssign(settings.topic(), "*");
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("Cannot start the RocketMQ consumer for " + settings.topic(), e);
        }
    }

    @Override
    public RecordsWithSplitIds<QueueElement> fetch() throws IOException {
        commitRequestedOffsets();
        long start = System.nanoTime();
        // Returns after pollTimeout at the latest; this is what bounds how long wakeUp() waits.
        List<MessageExt> messages = consumer.poll(settings.pollTimeoutMillis());
        metrics.recordPoll((System.nanoTime() - start) / 1_000_000, messages.size());
        RecordsBySplits.Builder<QueueElement> records = new RecordsBySplits.Builder<>();
        finishedToReport.forEach(records::addFinishedSplit);
        finishedToReport.clear();
        Set<MessageQueue> quiet = new HashSet<>(assigned.keySet());
        List<MessageQueue> reachedTheirEnd = new ArrayList<>();
        for (MessageExt message : messages) {
            MessageQueue queue = assignedQueueOf(message);
            if (queue == null) {
                // Fetched before its queue was unassigned (bounded split finished, or queue removed).
                continue;
            }
            quiet.remove(queue);
            RocketMqSplit split = assigned.get(queue);
            if (split.isBounded() && message.getQueueOffset() >= split.stoppingOffset()) {
                continue;
            }
            records.add(split.splitId(), new QueueElement.Message(message));
            if (split.isBounded() && message.getQueueOffset() + 1 >= split.stoppingOffset()
                    && !reachedTheirEnd.contains(queue)) {
                reachedTheirEnd.add(queue);
            }
        }
        for (MessageQueue queue : reachedTheirEnd) {
            records.addFinishedSplit(assigned.get(queue).splitId());
            quiet.remove(queue);
        }
        unassign(reachedTheirEnd);
        endProber.probe(quiet).forEach((queue, probe) -> records.add(assigned.get(queue).splitId(), probe));
        return records.build();
    }

    /** The assigned queue a message belongs to, or null if its queue is no longer assigned. */
    private MessageQueue assignedQueueOf(MessageExt message) {
        if (message.getBrokerName() != null) {
            MessageQueue queue = new MessageQueue(message.getTopic(), message.getBrokerName(), message.getQueueId());
            return assigned.containsKey(queue) ? queue : null;
        }
        for (MessageQueue queue : assigned.keySet()) {
            if (queue.getQueueId() == message.getQueueId() && queue.getTopic().equals(message.getTopic())) {
                return queue;
            }
        }
        return null;
    }

    /**
     * Stops pulling the given queues. The consumer cannot be assigned an empty set, so the last
     * queues are paused instead; messages it still hands out for them are dropped by {@link #fetch}.
     */
    private void unassign(Collection<MessageQueue> queues) {
        if (queues.isEmpty()) {
            return;
        }
        assigned.keySet().removeAll(queues);
        if (assigned.isEmpty()) {
            consumer.pause(queues);
        } else {
            consumer.assign(assigned.keySet());
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RocketMqSplit> splitsChange) {
        if (!(splitsChange instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("Unsupported split change " + splitsChange.getClass().getName());
        }
        Map<MessageQueue, RocketMqSplit> added = new HashMap<>();
        for (RocketMqSplit split : splitsChange.splits()) {
            if (split.isFinished()) {
                finishedToReport.add(split.splitId());
                continue;
            }
            added.put(split.messageQueue(), split);
            // assign() starts one pull task per new queue, which begins at the offset store's
            // in-memory offset: priming the store is what positions the queue. No seek() after
            // assign(): seek replaces a pull task that may already be running, and the replaced task
            // can still hand over a batch from further ahead after the new task started at the seek
            // offset (seen under CPU load); that batch arrives first and the messages before it are
            // never emitted. (rocketmq-client 5.3.3; seek also interrupts the old task's thread,
            // which by then may be pulling another queue.)
            offsetStore().updateOffset(split.messageQueue(), split.nextOffset(), false);
        }
        if (added.isEmpty()) {
            return;
        }
        assigned.putAll(added);
        consumer.assign(assigned.keySet());
        // A queue unassigned by pausing it (see unassign) and assigned again must be pulled again,
        // unless Flink paused its split.
        List<MessageQueue> toResume = new ArrayList<>(added.keySet());
        toResume.removeAll(pausedQueues);
        consumer.resume(toResume);
        consumer.pause(added.keySet().stream().filter(pausedQueues::contains).toList());
        LOG.info("Reading {} RocketMQ queue(s) of group {}: {}", added.size(), settings.consumerGroup(), added.values());
    }

    /**
     * Watermark alignment (FLIP-182/217): stops and restarts pulling queues. Called by the task
     * thread; the consumer's pause flags are thread-safe, and {@link #pausedQueues} keeps the
     * request for queues the fetcher thread has not assigned to the consumer yet.
     */
    @Override
    public void pauseOrResumeSplits(Collection<RocketMqSplit> splitsToPause, Collection<RocketMqSplit> splitsToResume) {
        List<MessageQueue> toPause = splitsToPause.stream().map(RocketMqSplit::messageQueue).toList();
        List<MessageQueue> toResume = splitsToResume.stream().map(RocketMqSplit::messageQueue).toList();
        pausedQueues.addAll(toPause);
        pausedQueues.removeAll(toResume);
        consumer.pause(toPause);
        consumer.resume(toResume);
    }

    private OffsetStore offsetStore() {
        OffsetStore store = consumer.getOffsetStore();
        if (store == null) {
            throw new IllegalStateException("The RocketMQ consumer of group " + settings.consumerGroup()
                    + " has no offset store; cannot position its queues");
        }
        return store;
    }

    /**
     * Called by the task thread when a checkpoint completed; replaces any older request that was
     * not sent yet (the newer offsets subsume it).
     */
    void requestCommit(Map<MessageQueue, Long> offsets) {
        offsetsToCommit.set(offsets);
    }

    /** Writes the offsets of the last completed checkpoint to the broker for the group. */
    private void commitRequestedOffsets() {
        Map<MessageQueue, Long> offsets = offsetsToCommit.getAndSet(null);
        if (offsets == null) {
            return;
        }
        Map<MessageQueue, Long> own = new HashMap<>(offsets);
        own.keySet().retainAll(assigned.keySet());
        if (own.isEmpty()) {
            return;
        }
        // The consumer's offset store gets the same offsets (its periodic persist then writes no
        // older ones); the broker write itself goes through the metadata client, which reports
        // failures (the consumer's persist is one-way and swallows them).
        consumer.commitSync(own, false);
        try {
            for (Map.Entry<MessageQueue, Long> offset : own.entrySet()) {
                metadata.commitOffset(settings.consumerGroup(), offset.getKey(), offset.getValue());
            }
            metrics.recordCommit(true);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            metrics.recordCommit(false);
            // Only progress reporting is lost; the next checkpoint commits again.
            LOG.warn("Cannot commit offsets of group {} to RocketMQ: {}", settings.consumerGroup(), e.toString());
        }
    }

    @Override
    public void wakeUp() {
        // DefaultLitePullConsumer.poll cannot be interrupted; it returns after the poll timeout.
    }

    @Override
    public void close() {
        commitRequestedOffsets();
        // Paused queues are not pulled. Without this, pulls the consumer had already scheduled ran
        // after shutdown() on the closed connection and logged "An error occurred in pull message
        // process" (ERROR) at every stop and cancel (issue 9).
        if (!assigned.isEmpty()) {
            consumer.pause(assigned.keySet());
        }
        consumer.shutdown();
        metadata.close();
    }
}
