package io.ordertimeout.source;

import io.ordertimeout.classloading.UserCodeClassLoaderRelease;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.RocketMqDeserializationSchema;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Turns each broker message into an {@link OrderMessage}. Never throws for bad content: a message
 * that does not parse becomes a dead letter that records exactly where it was read.
 *
 * <p>Clock skew (DESIGN.md §4): an event dated later than its broker store time plus the maximum
 * clock skew gets that limit as its {@code occurredAt}, the time its deadline is computed from, and
 * is counted ({@code orderTimeout.clampedTimestamps}). The store time also travels with the event,
 * so that it cannot move the watermark beyond the broker's clock. Caught-up notices of the source
 * become heartbeats for the watermark generator.
 */
public class OrderMessageDeserializer implements RocketMqDeserializationSchema<OrderMessage> {

    private static final long serialVersionUID = 1L;

    private final OrderEventParser parser;
    private final long maxClockSkewMillis;
    private transient Counter clampedTimestamps;

    public OrderMessageDeserializer(OrderEventParser parser, long maxClockSkewMillis) {
        this.parser = parser;
        this.maxClockSkewMillis = maxClockSkewMillis;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        clampedTimestamps = context.getMetricGroup().addGroup("orderTimeout").counter("clampedTimestamps");
        // The RocketMQ client's threads are started by this source: a TaskManager running only
        // sources (custom slot sharing) must join them too when the job's class loader is released.
        UserCodeClassLoaderRelease.register(context.getUserCodeClassLoader());
    }

    @Override
    public void deserialize(MessageExt message, Collector<OrderMessage> out) {
        OrderMessage parsed = parser.parse(message.getBody(), () -> position(message), System.currentTimeMillis());
        if (parsed.isValid()) {
            long storeTime = message.getStoreTimestamp();
            parsed.brokerStoreTime = storeTime;
            long latest = storeTime + maxClockSkewMillis;
            if (storeTime > 0 && parsed.event.occurredAt > latest) {
                parsed.event.occurredAt = latest;
                clampedTimestamps().inc();
            }
        }
        out.collect(parsed);
    }

    @Override
    public void caughtUp(long asOfWallTime, Collector<OrderMessage> out) {
        out.collect(OrderMessage.caughtUp(asOfWallTime));
    }

    private Counter clampedTimestamps() {
        if (clampedTimestamps == null) {
            clampedTimestamps = new SimpleCounter(); // not opened (unit tests)
        }
        return clampedTimestamps;
    }

    long clampedCount() {
        return clampedTimestamps().getCount();
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
