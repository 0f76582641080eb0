package io.ordertimeout.connector.rocketmq.source.reader.deserializer;

import java.io.IOException;
import java.io.Serializable;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Turns a RocketMQ message into zero or more records. Gets the whole {@link MessageExt}: body,
 * keys, tags, properties and the source position (topic, broker name, queue id, queue offset).
 * Throwing fails the job; a schema that must not fail (dead letters) emits an error record instead.
 */
@PublicEvolving
public interface RocketMqDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /** Called once per reader before the first message, e.g. to register metrics. */
    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    void deserialize(MessageExt message, Collector<T> out) throws IOException;

    /**
     * Called in line with the split's records when the split has emitted every message the broker
     * held at wall time {@code asOfWallTime} (it was caught up then), at most about once per end
     * probe interval while the queue is quiet. Emits nothing by default; a schema whose watermark
     * generator needs to know may emit a marker record here (its record timestamp is
     * {@code asOfWallTime}), which the job must then drop before it counts as data.
     */
    default void caughtUp(long asOfWallTime, Collector<T> out) throws IOException {}
}
