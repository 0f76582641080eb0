package io.ordertimeout.event;

/**
 * What the source produces for one broker message: either a valid {@link OrderEvent} or a
 * {@link DeadLetter}. Parsing happens once, in the source's deserializer, because the event
 * time needed for watermarks is inside the payload. The source also produces heartbeats, which
 * carry no message: they tell the split's watermark generator that the split is caught up
 * (DESIGN.md §4) and are dropped right after the source by {@link DeadLetterRouter}.
 */
public class OrderMessage {

    public OrderEvent event;
    public DeadLetter deadLetter;
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

    public static OrderMessage invalid(DeadLetter deadLetter) {
        OrderMessage message = new OrderMessage();
        message.deadLetter = deadLetter;
        return message;
    }

    public static OrderMessage caughtUp(long asOfWallTime) {
        OrderMessage message = new OrderMessage();
        message.caughtUpAsOf = asOfWallTime;
        return message;
    }

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
        return isValid() ? event.toString() : String.valueOf(deadLetter);
    }
}
