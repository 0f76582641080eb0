package io.ordertimeout.testing;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes records through and throws once, job-wide, after a number of records: an injected
 * failure that makes Flink restart from its last checkpoint.
 */
public final class FailOnceAfter<T> implements MapFunction<T, T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final long records;
    private long seen;

    public FailOnceAfter(long records) {
        this.records = records;
        FAILED.put(id, new AtomicBoolean());
    }

    public boolean hasFailed() {
        return FAILED.get(id).get();
    }

    @Override
    public T map(T value) {
        if (++seen >= records && FAILED.get(id).compareAndSet(false, true)) {
            throw new IllegalStateException("Injected failure after " + seen + " records");
        }
        return value;
    }
}
