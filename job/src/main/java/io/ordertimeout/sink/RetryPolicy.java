package io.ordertimeout.sink;

import java.io.Serializable;
import java.time.Duration;

/**
 * How often and how patiently a failed batch is tried again: up to {@code maxRetries} retries,
 * waiting {@code initialBackoff} before the first and twice as long before each further one, at
 * most {@code maxBackoff}.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) implements Serializable {

    public RetryPolicy {
        if (maxRetries < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("invalid retry policy " + maxRetries + ", " + initialBackoff + ", "
                    + maxBackoff);
        }
    }

    /** The wait before retry number {@code retry} (1 = the first retry). */
    public Duration backoffBefore(int retry) {
        if (retry <= 1 || initialBackoff.isZero()) {
            return retry < 1 ? Duration.ZERO : initialBackoff;
        }
        Duration backoff = initialBackoff;
        for (int i = 1; i < retry && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }

    @Override
    public String toString() {
        return maxRetries + " (backoff " + initialBackoff.toMillis() + " ms .. " + maxBackoff.toMillis() + " ms)";
    }
}
