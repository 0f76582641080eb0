package io.ordertimeout.tools;

/** One pending order as the orders table holds it: what bootstrap turns into state and a timer. A Flink POJO. */
public class PendingOrderRow {

    public String orderId;
    /** Payment deadline, epoch millis. */
    public long deadline;
    public String userId;
    public Long amountCents;
    public String currency;

    public PendingOrderRow() {}

    PendingOrderRow(String orderId, long deadline) {
        this.orderId = orderId;
        this.deadline = deadline;
    }
}
