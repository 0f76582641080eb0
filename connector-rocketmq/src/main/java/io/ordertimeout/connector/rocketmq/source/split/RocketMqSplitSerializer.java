package io.ordertimeout.connector.rocketmq.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Serializes splits into checkpoints. Version 1: topic, broker name, queue id, next offset. */
public final class RocketMqSplitSerializer implements SimpleVersionedSerializer<RocketMqSplit> {

    public static final int CURRENT_VERSION = 1;

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
        }
        return bytes.toByteArray();
    }

    @Override
    public RocketMqSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != CURRENT_VERSION) {
            throw new IOException("Unknown RocketMqSplit serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return new RocketMqSplit(in.readUTF(), in.readUTF(), in.readInt(), in.readLong());
        }
    }
}
