package io.ordertimeout.testing;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * Passes at most {@code recordsPerSecond} records per subtask, blocking the task thread: chained
 * to a source, it makes the source read a backlog slowly (a consumer catching up) without
 * back-pressure in network buffers, so checkpoint barriers and savepoints still pass at once.
 * Flink's source rate limiter is used as it is; a map, because the job's own source has no hook for it.
 */
public final class Throttle<T> extends RichMapFunction<T, T> {

    private static final long serialVersionUID = 1L;

    private final double recordsPerSecond;
    private transient RateLimiter<?> limiter;

    public Throttle(double recordsPerSecond) {
        if (recordsPerSecond <= 0) {
            throw new IllegalArgumentException("recordsPerSecond must be positive, got " + recordsPerSecond);
        }
        this.recordsPerSecond = recordsPerSecond;
    }

    @Override
    public void open(OpenContext openContext) {
        limiter = RateLimiterStrategy.perSecond(recordsPerSecond).createRateLimiter(1);
    }

    @Override
    public T map(T value) throws Exception {
        limiter.acquire().toCompletableFuture().get();
        return value;
    }
}
