package io.ordertimeout.bench;

import io.ordertimeout.OrderMessageSource;
import io.ordertimeout.config.JobSettings;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.event.DeadLetterRouter;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderEventType;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.sink.JdbcSinkSettings;
import io.ordertimeout.sink.OrderDatabaseSinks;
import io.ordertimeout.time.OrderWatermarks;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink CEP way of writing the same rule: {@code begin(created).notFollowedBy(paid or
 * cancelled).within(timeout)}. A pattern ending in notFollowedBy matches once its window has run
 * out (on the watermark), so the close comes from the match itself. Same source, watermarks and close sink as the job. What CEP cannot do
 * here: a per-order timeout (within is fixed), refunds, retention of finished orders.
 */
final class CepTimeoutJob {

    private CepTimeoutJob() {}

    static void define(StreamExecutionEnvironment env, Configuration config, OrderMessageSource source) {
        JobSettings settings = JobSettings.from(config);
        DataStream<OrderMessage> messages = source.create(
                env, OrderWatermarks.strategy(settings.outOfOrderness, settings.idleTimeout, WallClock.system()));
        SingleOutputStreamOperator<OrderEvent> events =
                messages.process(new DeadLetterRouter())
                        .setParallelism(messages.getParallelism()) // chained to the source, as in the job
                        .uid("validate-events")
                        .name("Route dead letters");
        new OrderDatabaseSinks(JdbcSinkSettings.from(config)).closes(closes(events, settings.payTimeout));
    }

    static SingleOutputStreamOperator<CloseCommand> closes(DataStream<OrderEvent> events, Duration payTimeout) {
        KeyedStream<OrderEvent, String> byOrder = events.keyBy(event -> event.orderId);
        Pattern<OrderEvent, OrderEvent> unpaid = Pattern.<OrderEvent>begin("created")
                .where(new IsType(OrderEventType.ORDER_CREATED))
                .notFollowedBy("settled")
                .where(new IsSettlement())
                .within(payTimeout);
        return CEP.pattern(byOrder, unpaid)
                .inEventTime()
                .process(new CloseUnpaid(payTimeout.toMillis()))
                .uid("cep-order-timeout")
                .name("Order payment timeout (CEP)");
    }

    static final class IsType extends SimpleCondition<OrderEvent> {
        private static final long serialVersionUID = 1L;
        private final OrderEventType type;

        IsType(OrderEventType type) {
            this.type = type;
        }

        @Override
        public boolean filter(OrderEvent event) {
            return event.type == type;
        }
    }

    static final class IsSettlement extends SimpleCondition<OrderEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(OrderEvent event) {
            return event.type == OrderEventType.ORDER_PAID || event.type == OrderEventType.ORDER_CANCELLED;
        }
    }

    static final class CloseUnpaid extends PatternProcessFunction<OrderEvent, CloseCommand> {
        private static final long serialVersionUID = 1L;
        private final long timeoutMillis;

        CloseUnpaid(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public void processMatch(Map<String, List<OrderEvent>> match, Context ctx,
                org.apache.flink.util.Collector<CloseCommand> out) {
            out.collect(close(match));
        }

        private CloseCommand close(Map<String, List<OrderEvent>> match) {
            OrderEvent created = match.get("created").get(0);
            return new CloseCommand(created.orderId, created.occurredAt + timeoutMillis, System.currentTimeMillis());
        }
    }
}
