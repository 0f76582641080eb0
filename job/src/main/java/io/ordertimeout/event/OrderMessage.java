package io.ordertimeout.event;

/**
 * What the source produces for one broker message: either a valid {@link OrderEvent} or a
 * {@link DeadLetter}. Parsing happens once, in the source's deserializer, because the event
 * time needed for watermarks is inside the payload.
 */
public class OrderMessage {

    public OrderEvent event;
    public DeadLetter deadLetter;

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

    public boolean isValid() {
        return event != null;
    }

    @Override
    public String toString() {
        return isValid() ? event.toString() : String.valueOf(deadLetter);
    }
}
