package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Version 1: initial-discovery flag, queue count, then topic, broker name and queue id per queue.
 */
public final class RocketMqEnumeratorStateSerializer implements SimpleVersionedSerializer<RocketMqEnumeratorState> {

    public static final int CURRENT_VERSION = 1;

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
        }
        return bytes.toByteArray();
    }

    @Override
    public RocketMqEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException("Unknown RocketMqEnumeratorState serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            boolean initialDiscoveryFinished = in.readBoolean();
            int count = in.readInt();
            Set<MessageQueue> queues = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                queues.add(new MessageQueue(in.readUTF(), in.readUTF(), in.readInt()));
            }
            return new RocketMqEnumeratorState(queues, initialDiscoveryFinished);
        }
    }
}
