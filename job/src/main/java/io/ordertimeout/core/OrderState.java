package io.ordertimeout.core;

import java.util.Arrays;

/**
 * The whole per-order state: one small Flink POJO so that POJO schema evolution works across
 * savepoints (fields may be added; never rename or retype one).
 */
public class OrderState {

    public OrderStatus status;
    /** Payment deadline in event time; estimated from the first event when CREATED was not seen. */
    public long deadline;
    /** Event time at which a finished order's state is cleared. */
    public long cleanupAt;
    /** Carried from CREATED into refunds. */
    public String userId;
    public Long amountCents;
    public String currency;
    /** The accepted payment (PAID / PAID_EARLY): refunded if a cancel turns up later. */
    public String paymentId;
    /** Event time of the accepted payment, epoch millis; null before a payment was accepted. */
    public Long paidAt;
    /** Payments already turned into refunds, so each paymentId is refunded once. */
    public String[] refundedPaymentIds;

    public OrderState() {}

    OrderState(OrderStatus status, long deadline) {
        this.status = status;
        this.deadline = deadline;
    }

    boolean hasRefunded(String paymentId) {
        return refundedPaymentIds != null && Arrays.asList(refundedPaymentIds).contains(paymentId);
    }

    void markRefunded(String paymentId) {
        if (refundedPaymentIds == null) {
            refundedPaymentIds = new String[] {paymentId};
        } else {
            refundedPaymentIds = Arrays.copyOf(refundedPaymentIds, refundedPaymentIds.length + 1);
            refundedPaymentIds[refundedPaymentIds.length - 1] = paymentId;
        }
    }

    @Override
    public String toString() {
        return "OrderState{" + status + ", deadline=" + deadline + ", cleanupAt=" + cleanupAt + "}";
    }
}
