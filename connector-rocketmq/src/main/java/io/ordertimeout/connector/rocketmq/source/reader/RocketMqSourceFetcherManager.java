package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * One fetcher thread for all splits of a reader; offset commits and queue releases are handed to
 * its split reader.
 */
@Internal
public final class RocketMqSourceFetcherManager extends SingleThreadFetcherManager<QueueElement, RocketMqSplit> {

    public RocketMqSourceFetcherManager(Supplier<SplitReader<QueueElement, RocketMqSplit>> splitReaderSupplier,
            Configuration configuration) {
        super(splitReaderSupplier, configuration);
    }

    void commitOffsets(Map<MessageQueue, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        SplitFetcher<QueueElement, RocketMqSplit> fetcher = getRunningFetcher();
        if (fetcher == null) {
            return;
        }
        ((RocketMqSplitReader) fetcher.getSplitReader()).requestCommit(offsets);
    }

    /**
     * Asks the split reader to stop reading these queues and report their splits finished (then
     * SourceReaderBase hands their final state to {@code onSplitFinished}). Not
     * {@code removeSplits}: that drops the splits from the fetcher at once, and a fetcher left
     * without splits never fetches again to report them. Returns false if no fetcher runs.
     */
    boolean releaseQueues(Collection<MessageQueue> queues) {
        SplitFetcher<QueueElement, RocketMqSplit> fetcher = getRunningFetcher();
        if (fetcher == null) {
            return false;
        }
        ((RocketMqSplitReader) fetcher.getSplitReader()).requestRelease(queues);
        return true;
    }
}
