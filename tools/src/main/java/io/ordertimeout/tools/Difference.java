package io.ordertimeout.tools;

/** One disagreement between a savepoint of the job and the orders table. */
record Difference(Kind kind, String orderId, String jobStatus, String tableStatus, Long deadline) {

    enum Kind {
        /** The job waits for a payment the table says was settled (paid, cancelled, closed): a lost event. */
        PENDING_IN_JOB_SETTLED_IN_TABLE,
        /** The job waits on an order the table does not have. */
        PENDING_IN_JOB_MISSING_FROM_TABLE,
        /** Pending in the table past its deadline (and the grace), and the job has no state for it: never closed by the job. */
        PENDING_IN_TABLE_UNKNOWN_TO_JOB,
        /** Pending in the table past its deadline, but the job has it as finished (closed, paid, cancelled): its write did not land. */
        PENDING_IN_TABLE_FINISHED_IN_JOB
    }
}
