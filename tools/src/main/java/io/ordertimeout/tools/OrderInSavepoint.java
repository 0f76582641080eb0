package io.ordertimeout.tools;

import io.ordertimeout.core.OrderStatus;

/** One order as a savepoint of the job holds it: its state and its registered event-time timers. A Flink POJO. */
public class OrderInSavepoint {

    public String orderId;
    public OrderStatus status;
    public long deadline;
    public long cleanupAt;
    public String userId;
    public Long amountCents;
    public String currency;
    public String paymentId;
    /** Event-time timers registered for the order, ascending. */
    public long[] timers;

    public OrderInSavepoint() {}

    /** A pending order whose deadline timer is missing would never be closed. */
    public boolean pendingWithoutDeadlineTimer() {
        if (status != OrderStatus.PENDING) {
            return false;
        }
        for (long timer : timers) {
            if (timer == deadline) {
                return false;
            }
        }
        return true;
    }
}
