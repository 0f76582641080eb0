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
 */
public class OrderMessage {

    private static final DeadLetter[] NONE = new DeadLetter[0];

    /** The event to process; null when the message was rejected. */
    public OrderEvent event;
    /** Why the message was rejected, or which fields were dropped from {@link #event}; never null. */
    public DeadLetter[] deadLetters = NONE;

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

    public static OrderMessage invalid(DeadLetter deadLetter) {
        OrderMessage message = new OrderMessage();
        message.deadLetters = new DeadLetter[] {deadLetter};
        return message;
    }

    /** Whether there is an event to process (possibly with dropped fields). */
    public boolean isValid() {
        return event != null;
    }

    @Override
    public String toString() {
        return (isValid() ? event.toString() : "rejected") + (deadLetters == null || deadLetters.length == 0
                ? "" : " " + Arrays.toString(deadLetters));
    }
}
