package io.ordertimeout.testkit.workload;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash;
import org.apache.rocketmq.client.producer.selector.SelectMessageQueueByRandom;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * How {@link RocketMqEventPublisher} picks the queue of a message. DESIGN.md §2: choosing the
 * queue by orderId hash is recommended (lower latency: an order's events share one queue), never
 * required; the job's results must be the same with any of these.
 */
public enum QueueSelection {
    /** By hash of the message key (the orderId): all events of one order in one queue, in order. */
    ORDER_ID_HASH,
    /**
     * Over the topic's queues in turn, whatever the key, like a plain {@code producer.send(msg)}:
     * consecutive events of one order land in different queues. One counter per publisher, shared
     * by all its threads, rather than the client's own send: that one keeps a per-thread index with
     * a random start, so which queue an event lands in would change from run to run.
     */
    ROUND_ROBIN,
    /** A random queue per message. */
    RANDOM;

    MessageQueueSelector newSelector() {
        switch (this) {
            case ORDER_ID_HASH:
                return new SelectMessageQueueByHash();
            case ROUND_ROBIN:
                return new RoundRobin();
            case RANDOM:
                return new SelectMessageQueueByRandom();
            default:
                throw new IllegalStateException(name());
        }
    }

    /** RocketMQ ships hash, random and machine-room selectors, no round-robin one. */
    private static final class RoundRobin implements MessageQueueSelector {
        private final AtomicLong next = new AtomicLong();

        @Override
        public MessageQueue select(List<MessageQueue> queues, Message message, Object key) {
            return queues.get((int) Math.floorMod(next.getAndIncrement(), (long) queues.size()));
        }
    }
}
