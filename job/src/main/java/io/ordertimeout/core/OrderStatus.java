package io.ordertimeout.core;

/** The per-order states of DESIGN.md §3 ("none" is the absence of state). */
public enum OrderStatus {
    PENDING,
    PAID,
    /** The payment arrived before the order's CREATED event. */
    PAID_EARLY,
    CANCELLED,
    CLOSED
}
