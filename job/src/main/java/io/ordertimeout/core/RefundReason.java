package io.ordertimeout.core;

/** Why a payment has to be given back. */
public enum RefundReason {
    /** The payment arrived after the job had closed the order for timeout. */
    PAID_AFTER_CLOSE,
    /** The order had been cancelled when the payment arrived. */
    PAID_AFTER_CANCEL,
    /**
     * The order was cancelled after its payment had been accepted (by event time). The refund is
     * requested whatever order the two events arrived in; the database guard writes it only if the
     * order row ended up cancelled, i.e. the payment was not accepted there.
     */
    CANCELLED_AFTER_PAYMENT
}
