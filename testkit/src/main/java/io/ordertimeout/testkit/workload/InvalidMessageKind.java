package io.ordertimeout.testkit.workload;

/** The ways a message can break the event contract (DESIGN.md §2); each must become a dead letter. */
public enum InvalidMessageKind {
    MALFORMED_JSON,
    MISSING_ORDER_ID,
    UNKNOWN_TYPE,
    ORDER_ID_TOO_LONG,
    BAD_TIMESTAMP,
    PAY_TIMEOUT_OUT_OF_RANGE,
    NON_UTF8
}
