package io.ordertimeout.connector.rocketmq.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Serializes splits into checkpoints. Version 3: topic, broker name, queue id, next offset, stopping
 * offset, released flag. Version 2 (no released flag: not released) and version 1 (no stopping
 * offset either: unbounded) are still read.
 */
@Internal
public final class RocketMqSplitSerializer implements SimpleVersionedSerializer<RocketMqSplit> {

    public static final int CURRENT_VERSION = 3;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(RocketMqSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(split.topic());
            out.writeUTF(split.brokerName());
            out.writeInt(split.queueId());
            out.writeLong(split.nextOffset());
            out.writeLong(split.stoppingOffset());
            out.writeBoolean(split.isReleased());
        }
        return bytes.toByteArray();
    }

    @Override
    public RocketMqSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > CURRENT_VERSION) {
            throw new IOException("Unknown RocketMqSplit serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String topic = in.readUTF();
            String brokerName = in.readUTF();
            int queueId = in.readInt();
            long nextOffset = in.readLong();
            long stoppingOffset = version == 1 ? RocketMqSplit.NO_STOPPING_OFFSET : in.readLong();
            RocketMqSplit split = new RocketMqSplit(topic, brokerName, queueId, nextOffset, stoppingOffset);
            return version >= 3 && in.readBoolean() ? split.asReleased() : split;
        }
    }
}
