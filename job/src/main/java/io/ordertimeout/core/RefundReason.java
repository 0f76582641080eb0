package io.ordertimeout.core;

/** Why a payment has to be given back. */
public enum RefundReason {
    /** The payment arrived after the job had closed the order for timeout. */
    PAID_AFTER_CLOSE,
    /** The order had been cancelled when the payment arrived. */
    PAID_AFTER_CANCEL
}
