package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.function.Supplier;

import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/** Creates split readers; the fetcher manager calls the supplier when it starts its fetcher. */
@Internal
public final class RocketMqSplitReaders {

    private RocketMqSplitReaders() {}

    public static Supplier<SplitReader<QueueElement, RocketMqSplit>> supplier(RocketMqSourceSettings settings,
            RocketMqReaderMetrics metrics, int subtaskIndex) {
        return () -> new RocketMqSplitReader(settings, metrics, subtaskIndex);
    }
}
