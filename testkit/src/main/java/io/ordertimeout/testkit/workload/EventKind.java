package io.ordertimeout.testkit.workload;

/** The kind of one workload message; the tag of a valid event is its contract type. */
public enum EventKind {
    CREATED("ORDER_CREATED"),
    PAID("ORDER_PAID"),
    CANCELLED("ORDER_CANCELLED"),
    /**
     * A message the job must dead-letter. Tagged ORDER_CREATED so that it passes any tag filter
     * the job may be configured with and really reaches its parser.
     */
    INVALID("ORDER_CREATED");

    private final String tag;

    EventKind(String tag) {
        this.tag = tag;
    }

    /** The RocketMQ tag (and, for valid events, the JSON "type"). */
    public String tag() {
        return tag;
    }
}
