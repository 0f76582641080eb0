package io.ordertimeout.bench;

import io.ordertimeout.OrderTimeoutPipeline;
import io.ordertimeout.config.JobSettings;
import io.ordertimeout.event.DeadLetterRouter;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.time.OrderWatermarks;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Events per second through the timeout operator alone: generated events (one source subtask),
 * the job's validation and keyed state machine (or the CEP pattern), closes and refunds discarded.
 * Timed from the first generated event to the end of the bounded job, which includes firing the
 * timers still pending at the end of input.
 */
final class OperatorThroughput {

    static final Duration PAY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration RETENTION = Duration.ofSeconds(60);

    /** CEP re-scans its shared buffer on every event-time step and is ~50x slower here: fewer events. */
    static final int CEP_EVENT_DIVISOR = 50;

    /**
     * And never more than this: CEP's cost per event grows with the partial matches it buffers; at
     * full size (100,000 events) one repetition had not finished after 7 minutes.
     */
    static final long CEP_MAX_EVENTS = 20_000;

    private OperatorThroughput() {}

    static long events(String variant, BenchSize size) {
        return variant.equals(Contenders.CEP)
                ? Math.min(CEP_MAX_EVENTS, size.operatorEvents() / CEP_EVENT_DIVISOR)
                : size.operatorEvents();
    }

    static double eventsPerSecond(String variant, long events, int parallelism) throws Exception {
        boolean cep = variant.equals(Contenders.CEP);
        Configuration config = FlinkSettings.base(variant.equals(Contenders.JOB_HEAP) ? FlinkSettings.HEAP : FlinkSettings.ROCKSDB);
        config.removeConfig(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL);
        config.setString("order-timeout.pay-timeout", PAY_TIMEOUT.toSeconds() + " s");
        // Event time runs 500x faster than real time here; a 24 h retention would keep every order.
        config.setString("order-timeout.state.retention", RETENTION.toSeconds() + " s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        JobSettings settings = JobSettings.from(config);
        DataStream<OrderMessage> messages = env.fromSource(
                new DataGeneratorSource<>(new GeneratedOrders(), events, TypeInformation.of(OrderMessage.class)),
                OrderWatermarks.strategy(settings.outOfOrderness, settings.idleTimeout, WallClock.system()),
                "Generated orders").setParallelism(1);
        if (cep) {
            DataStream<OrderEvent> valid = messages.process(new DeadLetterRouter());
            CepTimeoutJob.closes(valid, settings.payTimeout).sinkTo(new DiscardingSink<>());
        } else {
            OrderTimeoutPipeline pipeline = OrderTimeoutPipeline.attach(messages, settings, WallClock.system());
            pipeline.closes.sinkTo(new DiscardingSink<>());
            pipeline.refunds.sinkTo(new DiscardingSink<>());
        }
        GeneratedOrders.FIRST_EVENT_NANOS.set(0);
        env.execute("bench-operator-" + variant);
        long elapsed = System.nanoTime() - GeneratedOrders.FIRST_EVENT_NANOS.get();
        return events / (elapsed / 1e9);
    }
}
