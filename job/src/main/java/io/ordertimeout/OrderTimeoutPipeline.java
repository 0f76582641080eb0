package io.ordertimeout;

import io.ordertimeout.config.JobSettings;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.OrderTimeoutFunction;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.event.DeadLetterRouter;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.time.WallClock;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The source-independent heart of the job: validated events keyed by order id into the timeout
 * state machine. Operator uids are part of the savepoint contract: never change them.
 */
public final class OrderTimeoutPipeline {

    public static final String VALIDATE_UID = "validate-events";
    public static final String TIMEOUT_UID = "order-timeout-state";

    public final DataStream<CloseCommand> closes;
    public final DataStream<RefundRequest> refunds;
    public final DataStream<DeadLetter> deadLetters;

    private OrderTimeoutPipeline(
            DataStream<CloseCommand> closes, DataStream<RefundRequest> refunds, DataStream<DeadLetter> deadLetters) {
        this.closes = closes;
        this.refunds = refunds;
        this.deadLetters = deadLetters;
    }

    /** @param messages parsed source messages with event-time timestamps and watermarks assigned */
    public static OrderTimeoutPipeline attach(DataStream<OrderMessage> messages, JobSettings settings, WallClock clock) {
        // Same parallelism as the source, so the router is chained to it: no network shuffle
        // before keyBy, and each keyed subtask sees records and watermarks of a source subtask
        // in their original order.
        SingleOutputStreamOperator<OrderEvent> events = messages
                .process(new DeadLetterRouter())
                .setParallelism(messages.getParallelism())
                .uid(VALIDATE_UID)
                .name("Route dead letters");
        SingleOutputStreamOperator<CloseCommand> closes = events
                .keyBy(event -> event.orderId)
                .process(new OrderTimeoutFunction(settings.payTimeout, settings.stateRetention, clock))
                .uid(TIMEOUT_UID)
                .name("Order payment timeout");
        return new OrderTimeoutPipeline(
                closes,
                closes.getSideOutput(OrderTimeoutFunction.REFUNDS),
                events.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
    }
}
