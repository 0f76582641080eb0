package io.ordertimeout.connector.rocketmq.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * Splits the enumerator resolved but could not hand out yet (their reader had not registered) are
 * part of its checkpoint and are assigned, at their resolved offsets, after a restore. Before,
 * they were lost: the restored enumerator, its initial discovery finished, took their queues for
 * new ones and read them from the earliest offset instead of the configured start.
 */
class RocketMqSourceEnumeratorRestoreTest {

    private static final RocketMqSourceSettings SETTINGS = RocketMqSource.<String>builder()
            .setNameServerAddress("127.0.0.1:1")
            .setTopic("orders")
            .setConsumerGroup("g")
            .setDeserializer(new Utf8BodyDeserializationSchema())
            .build()
            .settings();

    @Test
    void unassignedSplitsSurviveACheckpointAndAreAssignedAfterTheRestore() throws Exception {
        MessageQueue assignedQueue = new MessageQueue("orders", "broker-a", 0);
        RocketMqSplit waiting = new RocketMqSplit("orders", "broker-a", 1, 4_711);
        int owner = QueueOwnership.ownerOf(waiting.messageQueue(), 2);
        RocketMqSourceEnumerator before = new RocketMqSourceEnumerator(new TestingSplitEnumeratorContext<>(2),
                SETTINGS, new RocketMqEnumeratorState(Set.of(assignedQueue), List.of(waiting), true));

        RocketMqEnumeratorState checkpoint = before.snapshotState(1);
        RocketMqEnumeratorStateSerializer serializer = new RocketMqEnumeratorStateSerializer();
        RocketMqEnumeratorState restored = SimpleVersionedSerialization.readVersionAndDeSerialize(serializer,
                SimpleVersionedSerialization.writeVersionAndSerialize(serializer, checkpoint));
        assertThat(restored.unassignedSplits()).containsExactly(waiting);
        assertThat(restored.assignedQueues()).containsExactly(assignedQueue);

        TestingSplitEnumeratorContext<RocketMqSplit> context = new TestingSplitEnumeratorContext<>(2);
        RocketMqSourceEnumerator after = new RocketMqSourceEnumerator(context, SETTINGS, restored);
        assertThat(after.snapshotState(2).unassignedSplits()).as("still waiting before its reader registers")
                .containsExactly(waiting);
        context.registerReader(owner, "localhost");
        after.addReader(owner);

        assertThat(context.getSplitAssignments().get(owner).getAssignedSplits()).containsExactly(waiting);
        RocketMqEnumeratorState afterAssignment = after.snapshotState(3);
        assertThat(afterAssignment.unassignedSplits()).isEmpty();
        assertThat(afterAssignment.assignedQueues()).contains(assignedQueue, waiting.messageQueue());
    }
}
