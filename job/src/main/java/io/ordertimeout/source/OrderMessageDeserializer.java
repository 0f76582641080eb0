package io.ordertimeout.source;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Turns each broker message into an {@link OrderMessage}. Never throws for bad content: a message
 * that does not parse becomes a dead letter that records exactly where it was read.
 */
public class OrderMessageDeserializer implements RocketMqDeserializationSchema<OrderMessage> {

    private static final long serialVersionUID = 1L;

    private final OrderEventParser parser;

    public OrderMessageDeserializer(OrderEventParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(MessageExt message, Collector<OrderMessage> out) {
        out.collect(parser.parse(message.getBody(), position(message), System.currentTimeMillis()));
    }

    static String position(MessageExt message) {
        return message.getTopic() + "/" + message.getBrokerName() + "/" + message.getQueueId() + "/"
                + message.getQueueOffset();
    }

    @Override
    public TypeInformation<OrderMessage> getProducedType() {
        return TypeInformation.of(OrderMessage.class);
    }
}
