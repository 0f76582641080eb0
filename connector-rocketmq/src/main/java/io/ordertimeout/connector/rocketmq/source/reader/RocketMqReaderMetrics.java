package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Map;
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
 */
@Internal
public final class RocketMqReaderMetrics {

    private final MetricGroup rocketMqGroup;
    private final Map<String, RocketMqSplitState> splits = new ConcurrentHashMap<>();
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
        if (splits.putIfAbsent(state.splitId(), state) != null) {
            return;
        }
        RocketMqSplit split = state.split();
        MetricGroup queueGroup = rocketMqGroup.addGroup("topic", split.topic())
                .addGroup("broker", split.brokerName())
                .addGroup("queue", String.valueOf(split.queueId()));
        queueGroup.gauge("lag", (Gauge<Long>) state::lag);
        queueGroup.gauge("currentOffset", (Gauge<Long>) state::nextOffset);
    }

    void recordPoll(long millis, int records) {
        lastPollTimeMs = millis;
        lastPollRecords = records;
    }

    void recordCommit(boolean succeeded) {
        (succeeded ? commitsSucceeded : commitsFailed).inc();
    }

    private long totalLag() {
        long total = 0;
        for (RocketMqSplitState state : splits.values()) {
            total += state.lag();
        }
        return total;
    }
}
