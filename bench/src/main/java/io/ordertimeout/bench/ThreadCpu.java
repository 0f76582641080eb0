package io.ordertimeout.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's live threads, summed by kind (the name without subtask index and
 * numbers). Unlike a JFR execution profile it includes time spent in native code, which is where
 * RocksDB works: a JFR share of the keyed operator leaves RocksDB's own CPU out.
 */
final class ThreadCpu {

    private ThreadCpu() {}

    /** Milliseconds of CPU by thread kind, of the threads alive now. */
    static Map<String, Long> byKind() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> millis = new TreeMap<>();
        if (!threads.isThreadCpuTimeSupported()) {
            return millis;
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                millis.merge(kind(info.getThreadName()), nanos / 1_000_000, Long::sum);
            }
        }
        return millis;
    }

    static String kind(String threadName) {
        return threadName.replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?$", "").replaceAll("\\d+", "N");
    }

    /** {@code after - before} per kind, only kinds that used CPU in between. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((kind, millis) -> {
            long used = millis - before.getOrDefault(kind, 0L);
            if (used > 0) {
                delta.put(kind, used);
            }
        });
        return delta;
    }
}
