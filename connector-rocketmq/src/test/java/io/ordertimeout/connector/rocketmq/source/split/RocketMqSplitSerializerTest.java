package io.ordertimeout.connector.rocketmq.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class RocketMqSplitSerializerTest {

    private final RocketMqSplitSerializer serializer = new RocketMqSplitSerializer();

    @Test
    void roundTripsTopicBrokerQueueAndOffset() throws IOException {
        RocketMqSplit split = new RocketMqSplit("order-events", "broker-ä", 7, 123_456_789_012L);

        RocketMqSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.splitId()).isEqualTo("order-events/broker-ä/7");
        assertThat(copy.nextOffset()).isEqualTo(123_456_789_012L);
    }

    @Test
    void roundTripsTheStoppingOffsetOfABoundedSplit() throws IOException {
        RocketMqSplit split = new RocketMqSplit("order-events", "broker-a", 3, 10, 42);

        RocketMqSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(copy).isEqualTo(split);
        assertThat(copy.stoppingOffset()).isEqualTo(42);
        assertThat(copy.isBounded()).isTrue();
    }

    @Test
    void readsVersionOneSplitsOfOlderCheckpointsAsUnbounded() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("order-events");
            out.writeUTF("broker-a");
            out.writeInt(2);
            out.writeLong(77);
        }

        RocketMqSplit split = serializer.deserialize(1, bytes.toByteArray());

        assertThat(split).isEqualTo(new RocketMqSplit("order-events", "broker-a", 2, 77));
        assertThat(split.isBounded()).isFalse();
    }

    @Test
    void roundTripsTheReleasedFlag() throws IOException {
        RocketMqSplit released = new RocketMqSplit("order-events", "broker-a", 3, 10).asReleased();

        RocketMqSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(released));

        assertThat(copy).isEqualTo(released);
        assertThat(copy.isReleased()).isTrue();
        assertThat(copy.asActive()).isEqualTo(new RocketMqSplit("order-events", "broker-a", 3, 10));
    }

    @Test
    void readsVersionTwoSplitsOfOlderCheckpointsAsNotReleased() throws IOException {
        RocketMqSplit split = serializer.deserialize(2, versionTwoBytes("order-events", "broker-a", 2, 77, 90));

        assertThat(split).isEqualTo(new RocketMqSplit("order-events", "broker-a", 2, 77, 90));
        assertThat(split.isReleased()).isFalse();
    }

    /** A split as version 2 of the serializer wrote it (no released flag). */
    private static byte[] versionTwoBytes(String topic, String broker, int queueId, long nextOffset, long stoppingOffset)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(topic);
            out.writeUTF(broker);
            out.writeInt(queueId);
            out.writeLong(nextOffset);
            out.writeLong(stoppingOffset);
        }
        return bytes.toByteArray();
    }

    @Test
    void rejectsAnUnknownVersion() throws IOException {
        byte[] bytes = serializer.serialize(new RocketMqSplit("t", "b", 0, 0));
        assertThatThrownBy(() -> serializer.deserialize(99, bytes)).isInstanceOf(IOException.class);
    }
}
