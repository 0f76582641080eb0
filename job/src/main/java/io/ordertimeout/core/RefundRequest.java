package io.ordertimeout.core;

/** A payment that reached an order which can no longer be fulfilled. One per (orderId, paymentId). */
public class RefundRequest {

    public String orderId;
    /** The PAID event's paymentId, or "" when the event had none. */
    public String paymentId;
    public RefundReason reason;
    /** Event time of the payment, epoch millis. */
    public long paidAt;
    /** Wall-clock time of the decision, epoch millis. */
    public long requestedAt;
    public String userId;
    public Long amountCents;
    public String currency;

    public RefundRequest() {}

    @Override
    public String toString() {
        return "RefundRequest{" + orderId + ", paymentId=" + paymentId + ", " + reason + "}";
    }
}
