package io.ordertimeout.testkit.workload;

import java.util.Objects;

/** One row the job must have written to {@code refund_request}; paymentId is "" when the PAID event had none. */
public record ExpectedRefund(String orderId, String paymentId, Reason reason) {

    /** The refund_request.reason values of the contract. */
    public enum Reason {
        PAID_AFTER_CLOSE,
        PAID_AFTER_CANCEL
    }

    public ExpectedRefund {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(reason, "reason");
    }
}
