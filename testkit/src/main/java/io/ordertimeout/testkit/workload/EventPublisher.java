package io.ordertimeout.testkit.workload;

/**
 * Sends one order event message. Implementations must be thread-safe and keep the order of
 * messages with the same key (the job relies on per-order order, e.g. cancel before payment).
 */
@FunctionalInterface
public interface EventPublisher {

    /**
     * @param key RocketMQ message key, the orderId
     * @param tag RocketMQ tag, the event type
     * @param json the message body; not modified by the caller afterwards
     * @throws RuntimeException when the message could not be sent
     */
    void publish(String key, String tag, byte[] json);
}
