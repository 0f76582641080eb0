package io.ordertimeout.connector.rocketmq.source.reader.deserializer;

import java.nio.charset.StandardCharsets;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

/** Emits each message body as a UTF-8 string. */
@PublicEvolving
public final class Utf8BodyDeserializationSchema implements RocketMqDeserializationSchema<String> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(MessageExt message, Collector<String> out) {
        out.collect(new String(message.getBody(), StandardCharsets.UTF_8));
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
