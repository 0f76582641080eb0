package io.ordertimeout.testkit.workload;

import java.util.Arrays;

/**
 * Distribution of close lateness (closed_at − deadline, from order_timeout_log), in
 * milliseconds. Percentiles are nearest-rank. All zero when count is 0.
 */
public record LatenessStats(int count, long minMs, long p50Ms, long p99Ms, long maxMs, double meanMs) {

    public static LatenessStats of(long[] latenessMillis) {
        if (latenessMillis.length == 0) {
            return new LatenessStats(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = latenessMillis.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return new LatenessStats(sorted.length, sorted[0], rank(sorted, 0.50), rank(sorted, 0.99),
                sorted[sorted.length - 1], mean);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "no closes";
        }
        return String.format("closes=%d lateness p50=%d ms p99=%d ms max=%d ms (min=%d ms, mean=%.0f ms)",
                count, p50Ms, p99Ms, maxMs, minMs, meanMs);
    }
}
