package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deserializes a message into the split's output with the broker store time as record timestamp
 * (a WatermarkStrategy's timestamp assigner may replace it) and advances the split's offset.
 * Applies the tag filter (messages of other tags only advance the offset). On an end probe it
 * tells the deserializer when the split has emitted every message the broker held at the probe.
 */
@Internal
public final class RocketMqRecordEmitter<T> implements RecordEmitter<QueueElement, T, RocketMqSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqRecordEmitter.class);

    private final RocketMqDeserializationSchema<T> deserializer;
    /** Null: every tag. */
    private final Set<String> tags;
    private final Counter numRecordsIn;
    private final Set<String> splitsWithReportedGap = new HashSet<>();
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();
    private final BrokerMaxOffsetProperty brokerMaxOffset = new BrokerMaxOffsetProperty();

    public RocketMqRecordEmitter(RocketMqDeserializationSchema<T> deserializer, String tagExpression) {
        this(deserializer, tagExpression, new SimpleCounter());
    }

    /**
     * @param tagExpression the source's tag filter, {@code *} or tags separated by {@code ||}
     * @param numRecordsIn the reader's standard record counter, which SourceReaderBase also counts
     *     end probes in; they are not records, so they are taken out again
     */
    public RocketMqRecordEmitter(RocketMqDeserializationSchema<T> deserializer, String tagExpression,
            Counter numRecordsIn) {
        this.deserializer = deserializer;
        this.tags = tagsOf(tagExpression);
        this.numRecordsIn = numRecordsIn;
    }

    static Set<String> tagsOf(String tagExpression) {
        if (tagExpression == null || tagExpression.isBlank() || tagExpression.trim().equals("*")) {
            return null;
        }
        return Arrays.stream(tagExpression.split("\\|\\|")).map(String::trim).filter(tag -> !tag.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void emitRecord(QueueElement element, SourceOutput<T> output, RocketMqSplitState state) throws Exception {
        if (element instanceof QueueElement.Message message) {
            emitMessage(message.message(), output, state);
        } else if (element instanceof QueueElement.EndProbe probe) {
            numRecordsIn.dec();
            state.brokerMaxOffset(probe.maxOffset());
            if (state.nextOffset() >= probe.maxOffset()) {
                collector.reset(output, probe.probedAt());
                deserializer.caughtUp(probe.probedAt(), collector);
            }
        }
    }

    private void emitMessage(MessageExt message, SourceOutput<T> output, RocketMqSplitState state) throws Exception {
        if (message.getQueueOffset() < state.nextOffset()) {
            // Already emitted: the pull consumer may hand out a batch fetched before a seek.
            return;
        }
        if (message.getQueueOffset() > state.nextOffset()) {
            reportGap(state, message.getQueueOffset());
        }
        if (tags == null || tags.contains(message.getTags())) {
            collector.reset(output, message.getStoreTimestamp());
            deserializer.deserialize(message, collector);
        }
        state.emitted(message.getQueueOffset(), brokerMaxOffset.of(message));
    }

    private void reportGap(RocketMqSplitState state, long offset) {
        // Every offset is read (the tag filter is applied here), so a jump means messages were not
        // read: expired on the broker before they were read, or lost on the way. Once per split
        // and reader: enough to alert, and a queue whose messages expire keeps jumping.
        if (splitsWithReportedGap.add(state.splitId())) {
            LOG.warn("Skipped {} message(s) of {}: read offset {} while expecting {} (expired on the broker?)."
                    + " Further gaps of this queue are not logged.", offset - state.nextOffset(), state.splitId(),
                    offset, state.nextOffset());
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
