package io.ordertimeout.connector.rocketmq.source.reader;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Deserializes a message into the split's output with the broker store time as record timestamp
 * (a WatermarkStrategy's timestamp assigner may replace it) and advances the split's offset.
 */
public final class RocketMqRecordEmitter<T> implements RecordEmitter<MessageExt, T, RocketMqSplitState> {

    private final RocketMqDeserializationSchema<T> deserializer;
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    public RocketMqRecordEmitter(RocketMqDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(MessageExt message, SourceOutput<T> output, RocketMqSplitState state) throws Exception {
        if (message.getQueueOffset() < state.nextOffset()) {
            // Already emitted: the pull consumer may hand out a batch fetched before a seek.
            return;
        }
        collector.reset(output, message.getStoreTimestamp());
        deserializer.deserialize(message, collector);
        state.emitted(message.getQueueOffset(), brokerMaxOffset(message));
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
