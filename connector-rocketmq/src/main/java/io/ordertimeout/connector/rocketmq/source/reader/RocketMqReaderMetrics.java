package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * Reader metrics beyond the standard ones SourceReaderBase keeps (numRecordsIn, ...):
 * {@code pendingRecords} (Flink's standard name; sum of the queue lags), per queue
 * {@code rocketmq.topic.<t>.broker.<b>.queue.<q>.lag} and {@code .currentOffset}, and
 * {@code rocketmq.lastPollTimeMs} / {@code rocketmq.lastPollRecords} of the fetcher, and the counters
 * {@code commitsSucceeded} / {@code commitsFailed} (reader group, as Kafka's source names them) of
 * offset commits to the broker after completed checkpoints, one per commit of a checkpoint.
 *
 * <p>The lag is the broker's max offset as reported with the last pulled batch minus the next
 * offset to emit, so it refreshes with every pull and costs no extra broker request.
 *
 * <p>A queue the reader released (it left the topic's route) leaves {@code pendingRecords}, and its
 * {@code lag} gauge reads 0 from then on ({@code currentOffset} keeps the offset it was released at):
 * Flink's {@code MetricGroup} has no way to unregister one metric, so the gauges stay registered
 * and read the queue's current split state, which a queue that comes back provides again.
 */
@Internal
public final class RocketMqReaderMetrics {

    private final MetricGroup rocketMqGroup;
    /** The splits being read, by split id; the per-queue gauges read them through this map. */
    private final Map<String, RocketMqSplitState> splits = new ConcurrentHashMap<>();
    /** Released splits' last offsets, for their currentOffset gauge. */
    private final Map<String, Long> releasedOffsets = new ConcurrentHashMap<>();
    /** Split ids whose gauges are registered (a metric can be registered only once). */
    private final Set<String> registeredGauges = ConcurrentHashMap.newKeySet();
    private final Counter commitsSucceeded;
    private final Counter commitsFailed;
    private volatile long lastPollTimeMs;
    private volatile long lastPollRecords;

    public RocketMqReaderMetrics(SourceReaderMetricGroup readerGroup) {
        this.rocketMqGroup = readerGroup.addGroup("rocketmq");
        readerGroup.setPendingRecordsGauge(this::totalLag);
        rocketMqGroup.gauge("lastPollTimeMs", (Gauge<Long>) () -> lastPollTimeMs);
        rocketMqGroup.gauge("lastPollRecords", (Gauge<Long>) () -> lastPollRecords);
        this.commitsSucceeded = readerGroup.counter("commitsSucceeded");
        this.commitsFailed = readerGroup.counter("commitsFailed");
    }

    void registerSplit(RocketMqSplitState state) {
        String splitId = state.splitId();
        splits.put(splitId, state);
        releasedOffsets.remove(splitId);
        if (!registeredGauges.add(splitId)) {
            return;
        }
        RocketMqSplit split = state.split();
        MetricGroup queueGroup = rocketMqGroup.addGroup("topic", split.topic())
                .addGroup("broker", split.brokerName())
                .addGroup("queue", String.valueOf(split.queueId()));
        queueGroup.gauge("lag", (Gauge<Long>) () -> lagOf(splitId));
        queueGroup.gauge("currentOffset", (Gauge<Long>) () -> currentOffsetOf(splitId));
    }

    /** The reader no longer reads this split (released or finished): it leaves the lag. */
    void unregisterSplit(RocketMqSplitState state) {
        releasedOffsets.put(state.splitId(), state.nextOffset());
        splits.remove(state.splitId());
    }

    /** Whether the split's queue is being read, i.e. counts in the lag metrics. */
    boolean isRegistered(String splitId) {
        return splits.containsKey(splitId);
    }

    long lagOf(String splitId) {
        RocketMqSplitState state = splits.get(splitId);
        return state == null ? 0 : state.lag();
    }

    private long currentOffsetOf(String splitId) {
        RocketMqSplitState state = splits.get(splitId);
        return state != null ? state.nextOffset() : releasedOffsets.getOrDefault(splitId, -1L);
    }

    void recordPoll(long millis, int records) {
        lastPollTimeMs = millis;
        lastPollRecords = records;
    }

    void recordCommit(boolean succeeded) {
        (succeeded ? commitsSucceeded : commitsFailed).inc();
    }

    long totalLag() {
        long total = 0;
        for (RocketMqSplitState state : splits.values()) {
            total += state.lag();
        }
        return total;
    }
}
