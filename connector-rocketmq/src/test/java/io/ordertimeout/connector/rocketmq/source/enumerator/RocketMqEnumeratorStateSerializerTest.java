package io.ordertimeout.connector.rocketmq.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;

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
    void roundTripsMissingQueuesAndRemovedSplits() throws IOException {
        MessageQueue assigned = new MessageQueue("order-events", "broker-a", 0);
        MessageQueue missing = new MessageQueue("order-events", "broker-a", 1);
        RocketMqSplit waiting = new RocketMqSplit("order-events", "broker-b", 0, 12);
        RocketMqSplit removed = new RocketMqSplit("order-events", "broker-c", 5, 4_711);
        Map<MessageQueue, Long> missingSince = new LinkedHashMap<>();
        missingSince.put(missing, 1_700_000_000_123L);
        RocketMqEnumeratorState state = new RocketMqEnumeratorState(new LinkedHashSet<>(List.of(assigned, missing)),
                List.of(waiting), true, missingSince, List.of(removed));

        RocketMqEnumeratorState copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        assertThat(copy).isEqualTo(state);
        assertThat(copy.missingSinceMillis()).containsExactly(Map.entry(missing, 1_700_000_000_123L));
        assertThat(copy.removedSplits()).containsExactly(removed);
        assertThat(copy.unassignedSplits()).containsExactly(waiting);
    }

    /**
     * Version 2 states (of the release before removed queues were handled) hold their unassigned
     * splits in split serializer version 2; read as version 3 they would be misread.
     */
    @Test
    void readsVersionTwoStatesWithTheirVersionTwoSplits() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeBoolean(true);
            out.writeInt(1);
            out.writeUTF("order-events");
            out.writeUTF("broker-a");
            out.writeInt(0);
            out.writeInt(2);
            for (int queueId : new int[] {1, 2}) {
                byte[] split = versionTwoSplit("order-events", "broker-a", queueId, 100 + queueId);
                out.writeInt(split.length);
                out.write(split);
            }
        }

        RocketMqEnumeratorState state = serializer.deserialize(2, bytes.toByteArray());

        assertThat(state.assignedQueues()).containsExactly(new MessageQueue("order-events", "broker-a", 0));
        assertThat(state.unassignedSplits()).containsExactly(new RocketMqSplit("order-events", "broker-a", 1, 101),
                new RocketMqSplit("order-events", "broker-a", 2, 102));
        assertThat(state.initialDiscoveryFinished()).isTrue();
        assertThat(state.missingSinceMillis()).isEmpty();
        assertThat(state.removedSplits()).isEmpty();
    }

    /** An unbounded split as split serializer version 2 wrote it (no released flag). */
    private static byte[] versionTwoSplit(String topic, String broker, int queueId, long nextOffset)
            throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeUTF(topic);
            out.writeUTF(broker);
            out.writeInt(queueId);
            out.writeLong(nextOffset);
            out.writeLong(RocketMqSplit.NO_STOPPING_OFFSET);
        }
        return bytes.toByteArray();
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
