package io.ordertimeout.tools;

import io.ordertimeout.OrderMessageSource;
import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the job's RocketMQ source emits for a topic with no messages: only "caught up" heartbeats,
 * ten a second, so the job's own watermark strategy lets event time follow the wall clock. Stands
 * in for an empty topic without starting a broker.
 */
final class EmptyTopicSource implements OrderMessageSource {

    private static final long serialVersionUID = 1L;

    @Override
    public DataStream<OrderMessage> create(StreamExecutionEnvironment env, WatermarkStrategy<OrderMessage> watermarks) {
        GeneratorFunction<Long, OrderMessage> heartbeat = index -> OrderMessage.caughtUp(System.currentTimeMillis());
        DataGeneratorSource<OrderMessage> source = new DataGeneratorSource<>(heartbeat, Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(10), TypeInformation.of(OrderMessage.class));
        return env.fromSource(source, watermarks, "Empty topic").uid("empty-topic").setParallelism(1);
    }
}
