package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.HashSet;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes a message into the split's output with the broker store time as record timestamp
 * (a WatermarkStrategy's timestamp assigner may replace it) and advances the split's offset.
 */
public final class RocketMqRecordEmitter<T> implements RecordEmitter<MessageExt, T, RocketMqSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqRecordEmitter.class);

    private final RocketMqDeserializationSchema<T> deserializer;
    private final boolean everyMessageIsRead;
    private final Set<String> splitsWithReportedGap = new HashSet<>();
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    /**
     * @param tagExpression the source's tag filter: with {@code *} every offset of a queue is read,
     *     so a jump in offsets means messages were not read (expired on the broker before they were
     *     read, or lost on the way); with a filter, jumps are the filtered-out messages.
     */
    public RocketMqRecordEmitter(RocketMqDeserializationSchema<T> deserializer, String tagExpression) {
        this.deserializer = deserializer;
        this.everyMessageIsRead = tagExpression == null || tagExpression.isBlank() || tagExpression.trim().equals("*");
    }

    @Override
    public void emitRecord(MessageExt message, SourceOutput<T> output, RocketMqSplitState state) throws Exception {
        if (message.getQueueOffset() < state.nextOffset()) {
            // Already emitted: the pull consumer may hand out a batch fetched before a seek.
            return;
        }
        if (everyMessageIsRead && message.getQueueOffset() > state.nextOffset()) {
            reportGap(state, message.getQueueOffset());
        }
        collector.reset(output, message.getStoreTimestamp());
        deserializer.deserialize(message, collector);
        state.emitted(message.getQueueOffset(), brokerMaxOffset(message));
    }

    private void reportGap(RocketMqSplitState state, long offset) {
        // Once per split and reader: enough to alert, and a queue whose messages expire keeps jumping.
        if (splitsWithReportedGap.add(state.splitId())) {
            LOG.warn("Skipped {} message(s) of {}: read offset {} while expecting {} (expired on the broker?)."
                    + " Further gaps of this queue are not logged.", offset - state.nextOffset(), state.splitId(),
                    offset, state.nextOffset());
        }
    }

    private static long brokerMaxOffset(MessageExt message) {
        // The client stamps every pulled message with the queue's max offset at pull time.
        String maxOffset = message.getProperty(MessageConst.PROPERTY_MAX_OFFSET);
        if (maxOffset == null) {
            return -1;
        }
        try {
            return Long.parseLong(maxOffset);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final class TimestampedCollector<T> implements Collector<T> {
        private SourceOutput<T> output;
        private long timestamp;

        void reset(SourceOutput<T> output, long timestamp) {
            this.output = output;
            this.timestamp = timestamp;
        }

        @Override
        public void collect(T record) {
            output.collect(record, timestamp);
        }

        @Override
        public void close() {}
    }
}
