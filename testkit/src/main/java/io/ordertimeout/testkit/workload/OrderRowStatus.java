package io.ordertimeout.testkit.workload;

/** The status values of the {@code orders} table (COMMON.md database contract). */
public enum OrderRowStatus {
    PENDING_PAYMENT,
    PAID,
    CANCELLED,
    CLOSED
}
