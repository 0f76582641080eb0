package io.ordertimeout.testkit.workload;

import java.util.Objects;

/**
 * One row the job must have written to {@code refund_request}; paymentId is "" when the PAID event
 * had none. {@code alsoAccepted} is a second reason the row may carry, or null: a payment made after
 * the deadline that the job read before the order's cancel is, from where the job stands, a payment
 * after its close (DESIGN.md §3: it requests the refund, the database guard writes it, and the
 * reason is the job's view).
 */
public record ExpectedRefund(String orderId, String paymentId, Reason reason, Reason alsoAccepted) {

    /** The refund_request.reason values of the contract. */
    public enum Reason {
        PAID_AFTER_CLOSE,
        PAID_AFTER_CANCEL
    }

    public ExpectedRefund(String orderId, String paymentId, Reason reason) {
        this(orderId, paymentId, reason, null);
    }

    /** Whether a refund_request.reason value is what this refund may carry. */
    public boolean accepts(String actualReason) {
        return reason.name().equals(actualReason) || (alsoAccepted != null && alsoAccepted.name().equals(actualReason));
    }

    public ExpectedRefund {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(reason, "reason");
    }
}
