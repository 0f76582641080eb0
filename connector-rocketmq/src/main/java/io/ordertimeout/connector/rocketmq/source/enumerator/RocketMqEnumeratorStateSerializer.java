package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitSerializer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Version 2: initial-discovery flag, queue count, then topic, broker name and queue id per queue;
 * then the unassigned split count and per split its length and {@link RocketMqSplitSerializer}
 * bytes. Version 1 (without unassigned splits) is still read.
 */
@Internal
public final class RocketMqEnumeratorStateSerializer implements SimpleVersionedSerializer<RocketMqEnumeratorState> {

    public static final int CURRENT_VERSION = 2;

    private final RocketMqSplitSerializer splitSerializer = new RocketMqSplitSerializer();

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RocketMqEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(state.initialDiscoveryFinished());
            out.writeInt(state.assignedQueues().size());
            for (MessageQueue queue : state.assignedQueues()) {
                out.writeUTF(queue.getTopic());
                out.writeUTF(queue.getBrokerName());
                out.writeInt(queue.getQueueId());
            }
            out.writeInt(state.unassignedSplits().size());
            for (RocketMqSplit split : state.unassignedSplits()) {
                byte[] splitBytes = splitSerializer.serialize(split);
                out.writeInt(splitBytes.length);
                out.write(splitBytes);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public RocketMqEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != CURRENT_VERSION) {
            throw new IOException("Unknown RocketMqEnumeratorState serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            boolean initialDiscoveryFinished = in.readBoolean();
            int count = in.readInt();
            Set<MessageQueue> queues = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                queues.add(new MessageQueue(in.readUTF(), in.readUTF(), in.readInt()));
            }
            List<RocketMqSplit> unassigned = new ArrayList<>();
            if (version >= 2) {
                int splits = in.readInt();
                for (int i = 0; i < splits; i++) {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    unassigned.add(splitSerializer.deserialize(splitSerializer.getVersion(), bytes));
                }
            }
            return new RocketMqEnumeratorState(queues, unassigned, initialDiscoveryFinished);
        }
    }
}
