package io.ordertimeout.tools;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Counts the rows bootstrap reads, and those already past their deadline, in Flink accumulators.
 * A separate operator because accumulators of the State Processor API's bootstrap function do not
 * reach the job result (the function runs in its own embedded task).
 */
final class CountPendingOrders extends RichMapFunction<PendingOrderRow, PendingOrderRow> {

    private static final long serialVersionUID = 1L;

    static final String ORDERS = "bootstrap-orders";
    static final String PAST_DEADLINE = "bootstrap-past-deadline";

    /** Wall clock of the bootstrap run. */
    private final long now;

    private transient LongCounter orders;
    private transient LongCounter pastDeadline;

    CountPendingOrders(long now) {
        this.now = now;
    }

    @Override
    public void open(OpenContext openContext) {
        orders = getRuntimeContext().getLongCounter(ORDERS);
        pastDeadline = getRuntimeContext().getLongCounter(PAST_DEADLINE);
    }

    @Override
    public PendingOrderRow map(PendingOrderRow row) {
        orders.add(1L);
        if (row.deadline <= now) {
            pastDeadline.add(1L);
        }
        return row;
    }
}
