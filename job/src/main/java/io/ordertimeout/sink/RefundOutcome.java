package io.ordertimeout.sink;

/** What the guarded refund INSERT did (DESIGN.md §3 refund guard). */
public enum RefundOutcome {
    /** The refund row exists: inserted now, or by an earlier attempt that is being replayed. */
    WRITTEN,
    /** No row: the order row is not in a refundable status (e.g. the payment won the race and it says paid). */
    BLOCKED_BY_GUARD
}
