package io.ordertimeout.testkit.workload;

/** Whether an order must, must not, or may have a row in {@code order_timeout_log}. */
public enum AuditExpectation {
    /** The job closed the order: exactly one audit row. */
    REQUIRED,
    /** The job must never have decided to close it. */
    FORBIDDEN,
    /**
     * A close decision is legitimate but had no effect: the payment service won the race in the
     * database (live simulation only), so at most one audit row.
     */
    ALLOWED
}
