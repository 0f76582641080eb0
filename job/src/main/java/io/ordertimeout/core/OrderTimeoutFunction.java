package io.ordertimeout.core;

import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-order state machine of DESIGN.md §3, keyed by orderId: one {@link OrderState} and one
 * event-time timer per pending order. A fired payment timer emits a {@link CloseCommand}; a
 * payment for a closed or cancelled order emits a {@link RefundRequest} on {@link #REFUNDS}.
 * Finished orders are kept until {@code deadline + retention} so that duplicates and late events
 * are recognised, then cleared by a cleanup timer.
 */
public class OrderTimeoutFunction extends KeyedProcessFunction<String, OrderEvent, CloseCommand>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<RefundRequest> REFUNDS = new OutputTag<>("refunds") {};

    private final long defaultTimeoutMillis;
    private final long retentionMillis;
    private final WallClock clock;

    private transient ValueState<OrderState> orderState;
    private transient OrderTimeoutMetrics metrics;
    private transient long lastSeenWatermark;

    /**
     * Pending orders of this subtask. Kept in operator state because counting keys in the keyed
     * state would mean iterating all of them; after a rescale each subtask's value drifts, but the
     * sum over all subtasks stays exact.
     */
    private transient long pendingOrders;
    private transient ListState<Long> pendingOrdersState;

    public OrderTimeoutFunction(Duration defaultTimeout, Duration retention, WallClock clock) {
        this.defaultTimeoutMillis = defaultTimeout.toMillis();
        this.retentionMillis = retention.toMillis();
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        // No state TTL: Flink's TTL counts processing time, so a job that was down (or a savepoint
        // restored) after long enough would silently drop pending orders. Cleanup timers in event
        // time remove every finished order instead; a pending order is only removed by its close.
        ValueStateDescriptor<OrderState> descriptor = new ValueStateDescriptor<>("order", OrderState.class);
        orderState = getRuntimeContext().getState(descriptor);
        lastSeenWatermark = Long.MIN_VALUE;
        metrics = new OrderTimeoutMetrics(
                getRuntimeContext().getMetricGroup(),
                () -> pendingOrders,
                () -> lastSeenWatermark == Long.MIN_VALUE ? 0 : Math.max(0, clock.millis() - lastSeenWatermark));
    }

    @Override
    public void processElement(OrderEvent event, Context ctx, Collector<CloseCommand> out) throws Exception {
        metrics.countEvent(event.type);
        lastSeenWatermark = ctx.timerService().currentWatermark();
        OrderState state = orderState.value();
        switch (event.type) {
            case ORDER_CREATED:
                onCreated(state, event, ctx, out);
                break;
            case ORDER_PAID:
                onPaid(state, event, ctx, out);
                break;
            case ORDER_CANCELLED:
                onCancelled(state, event, ctx);
                break;
            default:
                throw new IllegalStateException("unhandled event type " + event.type);
        }
    }

    private void onCreated(OrderState state, OrderEvent created, Context ctx, Collector<CloseCommand> out)
            throws Exception {
        long deadline = created.occurredAt + (created.payTimeoutSeconds != null
                ? created.payTimeoutSeconds * 1000L
                : defaultTimeoutMillis);
        if (state == null) {
            OrderState pending = new OrderState(OrderStatus.PENDING, deadline);
            carryOrderDetails(pending, created);
            orderState.update(pending);
            // A deadline already behind the watermark (replay, backfill) fires at the next watermark.
            ctx.timerService().registerEventTimeTimer(pending.deadline);
            pendingOrders++;
            return;
        }
        switch (state.status) {
            case PENDING:
            case PAID:
            case CLOSED:
                metrics.duplicates.inc();
                break;
            case PAID_EARLY:
                if (deadline <= state.paidAt) {
                    // The payment read before this CREATED was made after the deadline: in event
                    // time the order timed out first. Close it and refund the payment; the database
                    // decides (a row the payment service set PAID is neither closed nor refunded).
                    ctx.timerService().deleteEventTimeTimer(state.cleanupAt);
                    state.deadline = deadline;
                    carryOrderDetails(state, created);
                    closeAfterDeadline(state, ctx, out);
                    refundOnce(state, state.paymentId, state.paidAt, RefundReason.PAID_AFTER_CLOSE, ctx);
                } else {
                    // Paid in time: from now on a plain paid order (later CREATEDs are duplicates).
                    state.status = OrderStatus.PAID;
                    orderState.update(state);
                    metrics.ignored.inc();
                }
                break;
            default: // CANCELLED: the CREATED comes after the order's fate is known
                metrics.ignored.inc();
        }
    }

    private static void carryOrderDetails(OrderState state, OrderEvent created) {
        state.userId = created.userId;
        state.amountCents = created.amountCents;
        state.currency = created.currency;
    }

    private void onPaid(OrderState state, OrderEvent paid, Context ctx, Collector<CloseCommand> out)
            throws Exception {
        if (state == null) {
            OrderState paidEarly = new OrderState(OrderStatus.PAID_EARLY, paid.occurredAt + defaultTimeoutMillis);
            acceptPayment(paidEarly, paid);
            finish(paidEarly, OrderStatus.PAID_EARLY, ctx);
            return;
        }
        switch (state.status) {
            case PENDING:
                ctx.timerService().deleteEventTimeTimer(state.deadline);
                pendingOrders--;
                if (paid.occurredAt >= state.deadline) {
                    // Paid after the deadline, but read before the watermark passed it (another
                    // queue, a catch-up, a replay): in event time the close came first. Arrival
                    // order never decides money (DESIGN.md §3): close, and request the refund; the
                    // database decides both (the close only touches a pending row, the refund guard
                    // only writes for a closed or cancelled one).
                    closeAfterDeadline(state, ctx, out);
                    refundOnce(state, paymentIdOf(paid), paid.occurredAt, RefundReason.PAID_AFTER_CLOSE, ctx);
                    break;
                }
                acceptPayment(state, paid);
                finish(state, OrderStatus.PAID, ctx);
                break;
            case CANCELLED:
                refundOnce(state, paymentIdOf(paid), paid.occurredAt, RefundReason.PAID_AFTER_CANCEL, ctx);
                break;
            case CLOSED:
                refundOnce(state, paymentIdOf(paid), paid.occurredAt, RefundReason.PAID_AFTER_CLOSE, ctx);
                break;
            default: // PAID, PAID_EARLY
                if (!paymentIdOf(paid).equals(state.paymentId)) {
                    metrics.extraPayments.inc();
                }
                metrics.duplicates.inc();
        }
    }

    private void onCancelled(OrderState state, OrderEvent cancelled, Context ctx) throws Exception {
        if (state == null) {
            finishWithoutCreated(OrderStatus.CANCELLED, cancelled, ctx);
            return;
        }
        switch (state.status) {
            case PENDING:
                ctx.timerService().deleteEventTimeTimer(state.deadline);
                pendingOrders--;
                finish(state, OrderStatus.CANCELLED, ctx);
                break;
            case PAID:
            case PAID_EARLY:
                // Arrival order never decides money (DESIGN.md §3): the cancel may have happened
                // before the payment and come through a slower queue. Request the refund of the
                // accepted payment; the database guard writes it only if the row was cancelled.
                // From now on the order counts as cancelled: further payments are refunded too.
                RefundReason reason = cancelled.occurredAt <= state.paidAt
                        ? RefundReason.PAID_AFTER_CANCEL
                        : RefundReason.CANCELLED_AFTER_PAYMENT;
                state.status = OrderStatus.CANCELLED;
                refundOnce(state, state.paymentId, state.paidAt, reason, ctx);
                break;
            case CANCELLED:
                metrics.duplicates.inc();
                break;
            default: // CLOSED: the close decision stands; a payment after it is refunded anyway
                metrics.ignored.inc();
        }
    }

    private static String paymentIdOf(OrderEvent paid) {
        return paid.paymentId == null ? "" : paid.paymentId;
    }

    private static void acceptPayment(OrderState state, OrderEvent paid) {
        state.paymentId = paymentIdOf(paid);
        state.paidAt = paid.occurredAt;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CloseCommand> out) throws Exception {
        lastSeenWatermark = ctx.timerService().currentWatermark();
        OrderState state = orderState.value();
        if (state == null) {
            return;
        }
        if (state.status == OrderStatus.PENDING) {
            if (timestamp >= state.deadline) {
                pendingOrders--;
                closeAfterDeadline(state, ctx, out);
            }
        } else if (timestamp >= state.cleanupAt) {
            orderState.clear();
        }
    }

    private void closeAfterDeadline(OrderState state, Context ctx, Collector<CloseCommand> out) throws Exception {
        CloseCommand close = new CloseCommand(ctx.getCurrentKey(), state.deadline, clock.millis());
        close.userId = state.userId;
        close.amountCents = state.amountCents;
        close.currency = state.currency;
        out.collect(close);
        metrics.closes.inc();
        metrics.closeLatenessMillis.update(close.latenessMillis());
        finish(state, OrderStatus.CLOSED, ctx);
    }

    private void refundOnce(OrderState state, String paymentId, long paidAt, RefundReason reason, Context ctx)
            throws Exception {
        if (state.hasRefunded(paymentId)) {
            metrics.duplicates.inc();
            orderState.update(state);
            return;
        }
        RefundRequest refund = new RefundRequest();
        refund.orderId = ctx.getCurrentKey();
        refund.paymentId = paymentId;
        refund.reason = reason;
        refund.paidAt = paidAt;
        refund.requestedAt = clock.millis();
        refund.userId = state.userId;
        refund.amountCents = state.amountCents;
        refund.currency = state.currency;
        ctx.output(REFUNDS, refund);
        metrics.refunds.inc();
        state.markRefunded(paymentId);
        orderState.update(state);
    }

    /** The order's fate is known before its CREATED: estimate the deadline to time the cleanup. */
    private void finishWithoutCreated(OrderStatus status, OrderEvent event, Context ctx) throws Exception {
        finish(new OrderState(status, event.occurredAt + defaultTimeoutMillis), status, ctx);
    }

    private void finish(OrderState state, OrderStatus status, Context ctx) throws Exception {
        state.status = status;
        state.cleanupAt = state.deadline + retentionMillis;
        orderState.update(state);
        ctx.timerService().registerEventTimeTimer(state.cleanupAt);
    }

    @VisibleForTesting
    OrderTimeoutMetrics metrics() {
        return metrics;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        pendingOrdersState.update(java.util.List.of(pendingOrders));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        pendingOrdersState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("pending-orders", Long.class));
        pendingOrders = 0;
        for (Long restored : pendingOrdersState.get()) {
            pendingOrders += restored;
        }
    }
}
