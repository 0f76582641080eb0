package io.ordertimeout.tools;

import io.ordertimeout.core.OrderState;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/** Reads each order's "order" state and event-time timers from the job's timeout operator. */
final class OrderStateReader extends KeyedStateReaderFunction<String, OrderInSavepoint> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<OrderState> orderState;

    @Override
    public void open(OpenContext openContext) {
        orderState = getRuntimeContext().getState(PendingOrderBootstrapFunction.orderStateDescriptor());
    }

    @Override
    public void readKey(String orderId, Context context, Collector<OrderInSavepoint> out) throws Exception {
        OrderState state = orderState.value();
        if (state == null) {
            return;
        }
        OrderInSavepoint order = new OrderInSavepoint();
        order.orderId = orderId;
        order.status = state.status;
        order.deadline = state.deadline;
        order.cleanupAt = state.cleanupAt;
        order.userId = state.userId;
        order.amountCents = state.amountCents;
        order.currency = state.currency;
        order.paymentId = state.paymentId;
        order.timers = context.registeredEventTimeTimers().stream().mapToLong(Long::longValue).sorted().toArray();
        out.collect(order);
    }
}
