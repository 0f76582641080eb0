package io.ordertimeout.sink;

import io.ordertimeout.core.RefundRequest;

/** A refund request after its transaction committed, with what the database did (a Flink POJO). */
public class RefundResult {

    public RefundRequest refund;
    public RefundOutcome outcome;

    public RefundResult() {}

    public RefundResult(RefundRequest refund, RefundOutcome outcome) {
        this.refund = refund;
        this.outcome = outcome;
    }

    public boolean written() {
        return outcome == RefundOutcome.WRITTEN;
    }

    @Override
    public String toString() {
        return "RefundResult{" + (refund == null ? null : refund.orderId + "/" + refund.paymentId) + ", " + outcome + "}";
    }
}
