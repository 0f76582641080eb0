package io.ordertimeout.event;

import java.util.Arrays;
import java.util.List;

/**
 * What the source produces for one broker message: an {@link OrderEvent} to process, the
 * {@link DeadLetter}s to record, or both. A rejected message has no event and one dead letter;
 * an event whose optional fields could not be stored goes on without them and carries one dead
 * letter per dropped field (DESIGN.md §2: a bad detail must never cost an order its close or
 * its refund). Parsing happens once, in the source's deserializer, because the event time needed
 * for watermarks is inside the payload. A Flink POJO (the array keeps it free of Kryo).
 *
 * <p>The source also produces heartbeats, which carry no message: they tell the split's watermark
 * generator that the split is caught up (DESIGN.md §4) and are dropped right after the source by
 * {@link DeadLetterRouter}.
 */
public class OrderMessage {

    private static final DeadLetter[] NONE = new DeadLetter[0];

    /** The event to process; null when the message was rejected. */
    public OrderEvent event;
    /** Why the message was rejected, or which fields were dropped from {@link #event}; never null. */
    public DeadLetter[] deadLetters = NONE;
    /**
     * Broker store time of the message, epoch millis; 0 when the source has none. An event never
     * moves the watermark beyond it (a producer clock ahead of the broker must not close orders).
     */
    public long brokerStoreTime;
    /**
     * Heartbeats only: the split had emitted every message the broker held at this wall time.
     * Null for messages.
     */
    public Long caughtUpAsOf;

    public OrderMessage() {}

    public static OrderMessage valid(OrderEvent event) {
        OrderMessage message = new OrderMessage();
        message.event = event;
        return message;
    }

    /** A valid event from which the fields named by {@code droppedFields} were removed. */
    public static OrderMessage withDroppedFields(OrderEvent event, List<DeadLetter> droppedFields) {
        OrderMessage message = valid(event);
        message.deadLetters = droppedFields.toArray(NONE);
        return message;
    }

    public static OrderMessage caughtUp(long asOfWallTime) {
        OrderMessage message = new OrderMessage();
        message.caughtUpAsOf = asOfWallTime;
        return message;
    }

    public static OrderMessage invalid(DeadLetter deadLetter) {
        OrderMessage message = new OrderMessage();
        message.deadLetters = new DeadLetter[] {deadLetter};
        return message;
    }

    /** Whether there is an event to process (possibly with dropped fields). */
    public boolean isValid() {
        return event != null;
    }

    public boolean isHeartbeat() {
        return caughtUpAsOf != null;
    }

    @Override
    public String toString() {
        if (isHeartbeat()) {
            return "CaughtUp{asOf=" + caughtUpAsOf + "}";
        }
        return (isValid() ? event.toString() : "rejected") + (deadLetters == null || deadLetters.length == 0
                ? "" : " " + Arrays.toString(deadLetters));
    }
}
