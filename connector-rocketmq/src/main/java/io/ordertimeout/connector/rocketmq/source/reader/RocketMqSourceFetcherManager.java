package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Map;
import java.util.function.Supplier;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.rocketmq.common.message.MessageQueue;

/** One fetcher thread for all splits of a reader; offset commits are handed to its split reader. */
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
}
