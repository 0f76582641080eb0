package io.ordertimeout.event;

import java.util.Objects;

/**
 * One validated order event. A Flink POJO (public fields, no-arg constructor) so that it is
 * serialized without Kryo.
 */
public class OrderEvent {

    public OrderEventType type;
    public String orderId;
    /** Optional: for de-duplication and tracing. */
    public String eventId;
    /** Event time in epoch milliseconds. */
    public long occurredAt;
    /** CREATED only, optional: overrides the configured payment timeout. */
    public Integer payTimeoutSeconds;
    public String userId;
    public Long amountCents;
    public String currency;
    /** PAID only, optional. */
    public String paymentId;

    public OrderEvent() {}

    public static OrderEvent created(String orderId, long occurredAt) {
        return of(OrderEventType.ORDER_CREATED, orderId, occurredAt);
    }

    public static OrderEvent paid(String orderId, long occurredAt, String paymentId) {
        OrderEvent event = of(OrderEventType.ORDER_PAID, orderId, occurredAt);
        event.paymentId = paymentId;
        return event;
    }

    public static OrderEvent cancelled(String orderId, long occurredAt) {
        return of(OrderEventType.ORDER_CANCELLED, orderId, occurredAt);
    }

    private static OrderEvent of(OrderEventType type, String orderId, long occurredAt) {
        OrderEvent event = new OrderEvent();
        event.type = type;
        event.orderId = orderId;
        event.occurredAt = occurredAt;
        return event;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OrderEvent)) {
            return false;
        }
        OrderEvent that = (OrderEvent) o;
        return occurredAt == that.occurredAt
                && type == that.type
                && Objects.equals(orderId, that.orderId)
                && Objects.equals(eventId, that.eventId)
                && Objects.equals(payTimeoutSeconds, that.payTimeoutSeconds)
                && Objects.equals(userId, that.userId)
                && Objects.equals(amountCents, that.amountCents)
                && Objects.equals(currency, that.currency)
                && Objects.equals(paymentId, that.paymentId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, orderId, eventId, occurredAt);
    }

    @Override
    public String toString() {
        return type + "{orderId=" + orderId + ", occurredAt=" + occurredAt
                + (eventId == null ? "" : ", eventId=" + eventId)
                + (paymentId == null ? "" : ", paymentId=" + paymentId)
                + (payTimeoutSeconds == null ? "" : ", payTimeoutSeconds=" + payTimeoutSeconds)
                + "}";
    }
}
