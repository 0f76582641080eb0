package io.ordertimeout.testkit.workload;

/**
 * What happens to an order in a workload, each with a known final state in the database. The
 * final state follows from DESIGN.md §3 (the job's state machine) and §4 (the database is the
 * final arbiter).
 */
public enum Category {
    /** Paid well before the deadline: PAID, never closed, no refund. */
    PAID_IN_TIME,
    /** No payment, no cancel: CLOSED with reason PAYMENT_TIMEOUT, one audit row. */
    NEVER_PAID,
    /** Paid well after the deadline: CLOSED, plus one refund PAID_AFTER_CLOSE. */
    PAID_LATE,
    /** Cancelled before the deadline: CANCELLED, never closed, no refund. */
    CANCELLED,
    /** Cancelled, then paid anyway: CANCELLED plus one refund PAID_AFTER_CANCEL. */
    CANCELLED_THEN_PAID,
    /**
     * Cancelled, then paid a few seconds later: the payment service's conditional update found no
     * pending row and published ORDER_PAID anyway. CANCELLED plus one refund PAID_AFTER_CANCEL,
     * whichever of the two events the job reads first.
     */
    CANCELLED_THEN_PAID_SOON,
    /**
     * Paid, then cancelled a few seconds later: the shop's cancel found no pending row and published
     * ORDER_CANCELLED anyway. PAID, never closed, no refund: the job requests one for the accepted
     * payment and the database guard turns it down, whichever event the job reads first.
     */
    PAID_THEN_CANCELLED_SOON,
    /** Some events sent twice with the same eventId; the outcome of its base category. */
    DUPLICATED,
    /** Payment or cancel emitted before the CREATED event (within the out-of-orderness bound). */
    OUT_OF_ORDER,
    /**
     * PAID_IN_TIME orders the batch generator appends after the requested ones, only to keep
     * event time advancing until after the last late payment (see {@link OrderWorkload}).
     */
    FILLER;

    /** The categories a caller can ask for in a mix (FILLER is added by the generator itself). */
    public boolean isMixable() {
        return this != FILLER;
    }

    /** The categories a DUPLICATED order can be based on. */
    static final Category[] DUPLICABLE = {PAID_IN_TIME, NEVER_PAID, PAID_LATE, CANCELLED, CANCELLED_THEN_PAID};
}
