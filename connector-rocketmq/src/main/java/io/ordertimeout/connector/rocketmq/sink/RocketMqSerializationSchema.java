package io.ordertimeout.connector.rocketmq.sink;

import java.io.Serializable;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.rocketmq.common.message.Message;

/** Turns a record into the RocketMQ message to send: topic, tags, keys, body and properties. */
@PublicEvolving
public interface RocketMqSerializationSchema<T> extends Serializable {

    /** Called once per writer before the first record. */
    default void open(SerializationSchema.InitializationContext context) throws Exception {}

    /** The message for {@code element}, or null to send nothing for it. */
    Message serialize(T element);
}
