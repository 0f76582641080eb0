package io.ordertimeout.connector.rocketmq.source.reader;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker where quiet queues end, at most once per probe interval and queue, so that the
 * task thread can tell a caught-up queue from one whose messages are still unread (DESIGN.md §4).
 * Runs on the fetcher thread. A failed request yields no probe (a queue is then never taken for
 * caught up) and pauses probing for a while, so that an unreachable broker does not slow every
 * fetch down by a request timeout.
 */
final class QueueEndProber {

    private static final Logger LOG = LoggerFactory.getLogger(QueueEndProber.class);
    static final long PAUSE_AFTER_FAILURE_MILLIS = 5_000;

    /** The broker's max offset of a queue; throws when the broker cannot be asked. */
    @FunctionalInterface
    interface MaxOffsets {
        long maxOffset(MessageQueue queue) throws Exception;
    }

    private final MaxOffsets maxOffsets;
    private final long intervalMillis;
    private final LongSupplier clock;
    private final Map<MessageQueue, Long> lastProbe = new HashMap<>();
    private long pausedUntil;
    private boolean failing;

    QueueEndProber(MaxOffsets maxOffsets, long intervalMillis, LongSupplier clock) {
        this.maxOffsets = maxOffsets;
        this.intervalMillis = intervalMillis;
        this.clock = clock;
    }

    /** Probes those of {@code quietQueues} whose last probe is at least the interval old. */
    Map<MessageQueue, QueueElement.EndProbe> probe(Collection<MessageQueue> quietQueues) {
        Map<MessageQueue, QueueElement.EndProbe> probes = new HashMap<>();
        for (MessageQueue queue : quietQueues) {
            long now = clock.getAsLong();
            if (now < pausedUntil) {
                break;
            }
            Long last = lastProbe.get(queue);
            if (last != null && now - last < intervalMillis) {
                continue;
            }
            OptionalLong maxOffset = ask(queue);
            if (maxOffset.isEmpty()) {
                pausedUntil = now + PAUSE_AFTER_FAILURE_MILLIS;
                break;
            }
            lastProbe.put(queue, now);
            probes.put(queue, new QueueElement.EndProbe(maxOffset.getAsLong(), now));
        }
        return probes;
    }

    private OptionalLong ask(MessageQueue queue) {
        try {
            long maxOffset = maxOffsets.maxOffset(queue);
            if (failing) {
                failing = false;
                LOG.info("Asking the broker for the end of {} works again", queue);
            }
            return OptionalLong.of(maxOffset);
        } catch (Exception e) {
            if (!failing) {
                failing = true;
                LOG.warn("Cannot ask the broker for the end of {}; quiet queues are not taken for caught up"
                        + " until it answers: {}", queue, e.toString());
            }
            return OptionalLong.empty();
        }
    }
}
