package io.ordertimeout.tools;

import io.ordertimeout.core.OrderState;
import io.ordertimeout.core.OrderStatus;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Writes, per pending order, exactly what {@code OrderTimeoutFunction} holds after an
 * ORDER_CREATED: a PENDING {@link OrderState} under the state name "order" and one event-time
 * timer at the deadline (timer service "user-timers", as the job's keyed process operator). A
 * deadline already behind the restored job's first watermark fires at that watermark. It also
 * writes the job's operator list state "pending-orders" (this subtask's count), so the job's
 * {@code pendingOrders} gauge is right from the first minute after the switch-over.
 *
 * <p>The state names and types here are the job's savepoint contract: they must stay equal to
 * those in {@code OrderTimeoutFunction}.
 */
final class PendingOrderBootstrapFunction extends KeyedStateBootstrapFunction<String, PendingOrderRow>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    static final String ORDER_STATE = "order";
    static final String PENDING_ORDERS_STATE = "pending-orders";
    private transient ValueState<OrderState> orderState;
    private transient ListState<Long> pendingOrdersState;
    private transient long pendingOrders;

    static ValueStateDescriptor<OrderState> orderStateDescriptor() {
        return new ValueStateDescriptor<>(ORDER_STATE, OrderState.class);
    }

    static ListStateDescriptor<Long> pendingOrdersDescriptor() {
        return new ListStateDescriptor<>(PENDING_ORDERS_STATE, Long.class);
    }

    @Override
    public void open(OpenContext openContext) {
        orderState = getRuntimeContext().getState(orderStateDescriptor());
    }

    @Override
    public void processElement(PendingOrderRow row, Context ctx) throws Exception {
        if (orderState.value() != null) {
            return; // the order id is the table's key; a second row cannot happen, but never count one twice
        }
        OrderState pending = new OrderState();
        pending.status = OrderStatus.PENDING;
        pending.deadline = row.deadline;
        pending.userId = row.userId;
        pending.amountCents = row.amountCents;
        pending.currency = row.currency;
        orderState.update(pending);
        ctx.timerService().registerEventTimeTimer(row.deadline);
        pendingOrders++;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        pendingOrdersState.update(List.of(pendingOrders));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        pendingOrdersState = context.getOperatorStateStore().getListState(pendingOrdersDescriptor());
        pendingOrders = 0;
    }
}
