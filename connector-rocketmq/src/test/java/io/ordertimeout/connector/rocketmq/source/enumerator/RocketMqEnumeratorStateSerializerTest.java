package io.ordertimeout.connector.rocketmq.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

class RocketMqEnumeratorStateSerializerTest {

    private final RocketMqEnumeratorStateSerializer serializer = new RocketMqEnumeratorStateSerializer();

    @Test
    void roundTripsAssignedQueuesAndDiscoveryFlag() throws IOException {
        Set<MessageQueue> queues = new LinkedHashSet<>(List.of(
                new MessageQueue("order-events", "broker-a", 0),
                new MessageQueue("order-events", "broker-a", 1),
                new MessageQueue("order-events", "broker-b", 0)));
        RocketMqEnumeratorState state = new RocketMqEnumeratorState(queues, true);

        RocketMqEnumeratorState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy).isEqualTo(state);
        assertThat(copy.assignedQueues()).containsExactlyElementsOf(queues);
        assertThat(copy.initialDiscoveryFinished()).isTrue();
    }

    @Test
    void roundTripsAnEmptyState() throws IOException {
        RocketMqEnumeratorState empty = new RocketMqEnumeratorState(Set.of(), false);
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(empty))).isEqualTo(empty);
    }

    @Test
    void rejectsAnUnknownVersion() throws IOException {
        byte[] bytes = serializer.serialize(new RocketMqEnumeratorState(Set.of(), false));
        assertThatThrownBy(() -> serializer.deserialize(99, bytes)).isInstanceOf(IOException.class);
    }

    @Test
    void readsVersionOneStatesOfOlderCheckpointsWithoutUnassignedSplits() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeBoolean(true);
            out.writeInt(1);
            out.writeUTF("order-events");
            out.writeUTF("broker-a");
            out.writeInt(3);
        }

        RocketMqEnumeratorState state = serializer.deserialize(1, bytes.toByteArray());

        assertThat(state.assignedQueues()).containsExactly(new MessageQueue("order-events", "broker-a", 3));
        assertThat(state.unassignedSplits()).isEmpty();
        assertThat(state.initialDiscoveryFinished()).isTrue();
    }

    @Test
    void ownershipIsStableAndSpreadsTheQueuesOfABrokerEvenly() {
        int[] perReader = new int[3];
        for (int queueId = 0; queueId < 12; queueId++) {
            MessageQueue queue = new MessageQueue("order-events", "broker-a", queueId);
            int owner = QueueOwnership.ownerOf(queue, 3);
            assertThat(QueueOwnership.ownerOf(new MessageQueue("order-events", "broker-a", queueId), 3))
                    .isEqualTo(owner);
            perReader[owner]++;
        }
        assertThat(perReader).containsExactly(4, 4, 4);
    }
}
