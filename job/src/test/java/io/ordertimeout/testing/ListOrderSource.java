package io.ordertimeout.testing;

import io.ordertimeout.OrderMessageSource;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.time.OrderWatermarks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A bounded source of raw message payloads, parsed by the job's own parser, read by one source
 * subtask in list order. It emits a watermark after every event, so that which events arrive
 * before or after a deadline is a pure function of the list: that is what a row-by-row ground
 * truth needs. The payloads stay in this JVM (the MiniCluster's) instead of being serialized
 * into the job graph.
 */
public final class ListOrderSource implements OrderMessageSource {

    private static final long serialVersionUID = 1L;
    private static final Map<String, List<byte[]>> PAYLOADS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final int size;
    private final Duration outOfOrderness;

    public ListOrderSource(List<byte[]> payloads, Duration outOfOrderness) {
        PAYLOADS.put(id, List.copyOf(payloads));
        this.size = payloads.size();
        this.outOfOrderness = outOfOrderness;
    }

    @Override
    public DataStream<OrderMessage> create(StreamExecutionEnvironment env, WatermarkStrategy<OrderMessage> ignored) {
        String payloadsId = id;
        OrderEventParser parser = new OrderEventParser();
        GeneratorFunction<Long, OrderMessage> generator = index -> parser.parse(
                PAYLOADS.get(payloadsId).get(index.intValue()), "list/" + index, System.currentTimeMillis());
        DataGeneratorSource<OrderMessage> source =
                new DataGeneratorSource<>(generator, size, TypeInformation.of(OrderMessage.class));
        // The idle timeout is irrelevant for a bounded run that ends with the final watermark.
        WatermarkStrategy<OrderMessage> perEvent =
                OrderWatermarks.perEventStrategy(outOfOrderness, Duration.ofDays(1), System::currentTimeMillis);
        return env.fromSource(source, perEvent, "Order messages (list)").uid("list-source").setParallelism(1);
    }
}
