package io.ordertimeout.connector.rocketmq.sink;

import java.io.IOException;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** At-least-once RocketMQ sink (Sink V2). Create with {@link #builder()}. */
@PublicEvolving
public final class RocketMqSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final RocketMqSinkSettings settings;
    private final RocketMqSerializationSchema<T> serializer;

    RocketMqSink(RocketMqSinkSettings settings, RocketMqSerializationSchema<T> serializer) {
        this.settings = settings;
        this.serializer = serializer;
    }

    public static <T> RocketMqSinkBuilder<T> builder() {
        return new RocketMqSinkBuilder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        try {
            serializer.open(context.asSerializationSchemaInitializationContext());
        } catch (Exception e) {
            throw new IOException("Cannot open the RocketMQ serialization schema", e);
        }
        return new RocketMqSinkWriter<>(settings, serializer, context.metricGroup(),
                context.getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public String toString() {
        return "RocketMqSink{" + settings + '}';
    }
}
