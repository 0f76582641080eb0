package io.ordertimeout.event;

/** The three event types of the contract (DESIGN.md §2); also the RocketMQ message tag. */
public enum OrderEventType {
    ORDER_CREATED,
    ORDER_PAID,
    ORDER_CANCELLED
}
