package io.ordertimeout.sink;

/** What the close UPDATE did, as recorded in the audit row's {@code outcome} column (DESIGN.md §5). */
public enum CloseOutcome {
    /** The order row was still pending and is now closed (update count 1). */
    APPLIED,
    /** The order row was no longer pending — paid or cancelled meanwhile — and was left alone (count 0). */
    NOT_PENDING
}
