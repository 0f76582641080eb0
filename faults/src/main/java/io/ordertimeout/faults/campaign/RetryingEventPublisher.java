package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.workload.EventPublisher;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's side of a broker outage: a send that fails is retried until the broker is back (as an
 * outbox relay would), so no event is dropped and none is left in doubt. A retry after an
 * ambiguous failure may publish an event twice, which the job must treat as a duplicate. Written
 * here because the RocketMQ producer retries a send with a queue selector not at all.
 */
final class RetryingEventPublisher implements EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingEventPublisher.class);
    private static final long PAUSE_NANOS = Duration.ofMillis(500).toNanos();

    private final EventPublisher delegate;
    private final Duration giveUpAfter;
    private final AtomicLong retries = new AtomicLong();

    RetryingEventPublisher(EventPublisher delegate, Duration giveUpAfter) {
        this.delegate = delegate;
        this.giveUpAfter = giveUpAfter;
    }

    @Override
    public void publish(String key, String tag, byte[] json) {
        long giveUpNanos = System.nanoTime() + giveUpAfter.toNanos();
        while (true) {
            try {
                delegate.publish(key, tag, json);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() - giveUpNanos > 0 || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (retries.incrementAndGet() % 100 == 1) {
                    LOG.warn("Publishing failed, retrying ({} retries so far): {}", retries.get(), e.getMessage());
                }
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }

    long retries() {
        return retries.get();
    }
}
