package io.ordertimeout.connector.rocketmq.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitState;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/** How the emitter turns end probes into caught-up notices, in line with the split's messages. */
class RocketMqRecordEmitterTest {

    private final List<String> emitted = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();
    private final SimpleCounter numRecordsIn = new SimpleCounter();
    private final RocketMqSplitState state = new RocketMqSplitState(new RocketMqSplit("t", "b", 0, 10));

    private RocketMqRecordEmitter<String> emitter(String tagExpression) {
        return new RocketMqRecordEmitter<>(new BodiesAndCaughtUp(), tagExpression, numRecordsIn);
    }

    @Test
    void probeAfterEveryStoredMessageWasEmittedIsACaughtUpNotice() throws Exception {
        RocketMqRecordEmitter<String> emitter = emitter("*");
        emit(emitter, message(10, "a", "TAG", 12));
        emit(emitter, message(11, "b", "TAG", 12));
        emit(emitter, new QueueElement.EndProbe(12, 5_000));

        assertThat(emitted).containsExactly("a", "b", "caught-up@5000");
        assertThat(timestamps).last().isEqualTo(5_000L);
        assertThat(state.lag()).isZero();
    }

    /** Back-pressured or behind: the broker holds messages the split has not emitted yet. */
    @Test
    void probeWhileMessagesAreUnreadIsNoNotice() throws Exception {
        RocketMqRecordEmitter<String> emitter = emitter("*");
        emit(emitter, message(10, "a", "TAG", 11));
        emit(emitter, new QueueElement.EndProbe(14, 5_000));

        assertThat(emitted).containsExactly("a");
        assertThat(state.lag()).isEqualTo(3);
    }

    @Test
    void probesAreNotCountedAsRecordsIn() throws Exception {
        RocketMqRecordEmitter<String> emitter = emitter("*");
        emit(emitter, message(10, "a", "TAG", 11));
        emit(emitter, new QueueElement.EndProbe(11, 5_000));
        emit(emitter, new QueueElement.EndProbe(11, 5_500));

        assertThat(numRecordsIn.getCount()).isEqualTo(1);
    }

    /** Filtered-out messages advance the offset, so a queue ending in them is still caught up. */
    @Test
    void tagFilterSkipsOtherTagsButAdvancesTheOffset() throws Exception {
        RocketMqRecordEmitter<String> emitter = emitter("ORDER_CREATED || ORDER_PAID");
        emit(emitter, message(10, "created", "ORDER_CREATED", 13));
        emit(emitter, message(11, "other", "SHIPPED", 13));
        emit(emitter, message(12, "paid", "ORDER_PAID", 13));
        emit(emitter, message(13, "other2", "SHIPPED", 14));
        emit(emitter, new QueueElement.EndProbe(14, 7_000));

        assertThat(emitted).containsExactly("created", "paid", "caught-up@7000");
        assertThat(state.nextOffset()).isEqualTo(14);
    }

    /** The broker's max offset stamped on the messages of each pull drives the lag, pull after pull and split by split. */
    @Test
    void lagFollowsTheMaxOffsetOfEachPullAndSplit() throws Exception {
        RocketMqRecordEmitter<String> emitter = emitter("*");
        RocketMqSplitState other = new RocketMqSplitState(new RocketMqSplit("t", "b", 1, 0));
        emit(emitter, message(10, "a", "TAG", 20));
        assertThat(state.lag()).isEqualTo(9);
        emitter.emitRecord(message(0, "x", "TAG", 5), new RecordingOutput(), other);
        assertThat(other.lag()).isEqualTo(4);
        emit(emitter, message(11, "b", "TAG", 20));
        assertThat(state.lag()).isEqualTo(8);
        emit(emitter, message(12, "c", "TAG", 40));
        assertThat(state.lag()).isEqualTo(27);
    }

    private void emit(RocketMqRecordEmitter<String> emitter, QueueElement element) throws Exception {
        numRecordsIn.inc(); // as SourceReaderBase does for every element
        emitter.emitRecord(element, new RecordingOutput(), state);
    }

    private static QueueElement message(long offset, String body, String tag, long maxOffset) {
        MessageExt message = new MessageExt();
        message.setTopic("t");
        message.setBrokerName("b");
        message.setQueueId(0);
        message.setQueueOffset(offset);
        message.setBody(body.getBytes(StandardCharsets.UTF_8));
        message.setTags(tag);
        message.setStoreTimestamp(1_000 + offset);
        MessageAccessor.putProperty(message, MessageConst.PROPERTY_MAX_OFFSET, String.valueOf(maxOffset));
        return new QueueElement.Message(message);
    }

    private static final class BodiesAndCaughtUp implements RocketMqDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(MessageExt message, Collector<String> out) {
            out.collect(new String(message.getBody(), StandardCharsets.UTF_8));
        }

        @Override
        public void caughtUp(long asOfWallTime, Collector<String> out) {
            out.collect("caught-up@" + asOfWallTime);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    private final class RecordingOutput implements SourceOutput<String> {
        @Override
        public void collect(String record) {
            collect(record, Long.MIN_VALUE);
        }

        @Override
        public void collect(String record, long timestamp) {
            emitted.add(record);
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
