package io.ordertimeout.testkit.workload;

/**
 * Sends one order event message. Implementations must be thread-safe. They need not keep the
 * order of messages with the same key: like real shops, whose order and payment services publish
 * with their own producers, an implementation may spread one order's events over several queues
 * (see {@link QueueSelection}), and the job's results must not depend on it (DESIGN.md §2, §3).
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
