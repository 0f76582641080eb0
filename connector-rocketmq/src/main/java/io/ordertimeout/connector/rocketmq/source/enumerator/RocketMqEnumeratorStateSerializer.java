package io.ordertimeout.connector.rocketmq.source.enumerator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplitSerializer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Version 3: initial-discovery flag, queue count, then topic, broker name and queue id per queue;
 * the unassigned split count and per split its length and {@link RocketMqSplitSerializer} bytes
 * (split version 3); the missing-queue count and per queue topic, broker name, queue id and the
 * epoch millis it was first found missing; the removed split count and the splits as before.
 * Version 2 (no missing queues, no removed splits; its splits are split version 2) and version 1
 * (no unassigned splits either) are still read.
 */
@Internal
public final class RocketMqEnumeratorStateSerializer implements SimpleVersionedSerializer<RocketMqEnumeratorState> {

    public static final int CURRENT_VERSION = 3;

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
                writeQueue(out, queue);
            }
            writeSplits(out, state.unassignedSplits());
            out.writeInt(state.missingSinceMillis().size());
            for (Map.Entry<MessageQueue, Long> missing : state.missingSinceMillis().entrySet()) {
                writeQueue(out, missing.getKey());
                out.writeLong(missing.getValue());
            }
            writeSplits(out, state.removedSplits());
        }
        return bytes.toByteArray();
    }

    @Override
    public RocketMqEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IOException("Unknown RocketMqEnumeratorState serializer version " + version);
        }
        // Split bytes inside the state were written by the split serializer of the same release.
        int splitVersion = version == 2 ? 2 : splitSerializer.getVersion();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            boolean initialDiscoveryFinished = in.readBoolean();
            int count = in.readInt();
            Set<MessageQueue> queues = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                queues.add(readQueue(in));
            }
            List<RocketMqSplit> unassigned = version >= 2 ? readSplits(in, splitVersion) : List.of();
            Map<MessageQueue, Long> missingSince = new LinkedHashMap<>();
            List<RocketMqSplit> removed = List.of();
            if (version >= 3) {
                int missing = in.readInt();
                for (int i = 0; i < missing; i++) {
                    missingSince.put(readQueue(in), in.readLong());
                }
                removed = readSplits(in, splitVersion);
            }
            return new RocketMqEnumeratorState(queues, unassigned, initialDiscoveryFinished, missingSince, removed);
        }
    }

    private static void writeQueue(DataOutputStream out, MessageQueue queue) throws IOException {
        out.writeUTF(queue.getTopic());
        out.writeUTF(queue.getBrokerName());
        out.writeInt(queue.getQueueId());
    }

    private static MessageQueue readQueue(DataInputStream in) throws IOException {
        return new MessageQueue(in.readUTF(), in.readUTF(), in.readInt());
    }

    private void writeSplits(DataOutputStream out, List<RocketMqSplit> splits) throws IOException {
        out.writeInt(splits.size());
        for (RocketMqSplit split : splits) {
            byte[] splitBytes = splitSerializer.serialize(split);
            out.writeInt(splitBytes.length);
            out.write(splitBytes);
        }
    }

    private List<RocketMqSplit> readSplits(DataInputStream in, int splitVersion) throws IOException {
        int count = in.readInt();
        List<RocketMqSplit> splits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            splits.add(splitSerializer.deserialize(splitVersion, bytes));
        }
        return splits;
    }
}
