package io.ordertimeout.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples ({@code jdk.ExecutionSample}) of a flight recording into markdown
 * tables: samples per thread kind, and the top frames by self and by inclusive samples, for the
 * threads whose name contains a filter (the job's task threads by default). Written with the JDK's
 * own {@code jdk.jfr.consumer} API rather than {@code jfr print} and a script, so the summary needs
 * nothing but the JDK. Usage: {@code JfrTopFrames <recording.jfr> [thread-name filter ...]}.
 */
public final class JfrTopFrames {

    /** Flink task threads: sources (with their fetchers), the keyed operator, the sinks. */
    static final List<String> JOB_THREADS = List.of("Source", "Order payment timeout", "Sink", "Writer",
            "Route dead letters", "Close", "Refund", "JDBC", "jdbc");

    private JfrTopFrames() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: JfrTopFrames <recording.jfr> [thread-name filter ...]");
        }
        List<String> filters = args.length > 1 ? List.of(args).subList(1, args.length) : JOB_THREADS;
        System.out.print(summarise(Paths.get(args[0]), filters, 30));
    }

    static String summarise(Path recording, List<String> threadFilters, int top) throws IOException {
        Map<String, Integer> byThreadKind = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int all = 0;
        int matched = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            all++;
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            String kind = thread == null ? "?" : thread.replaceAll("\\(\\d+/\\d+\\)(#\\d+)?", "").replaceAll("\\d+", "N").trim();
            byThreadKind.merge(kind, 1, Integer::sum);
            if (thread == null || threadFilters.stream().noneMatch(thread::contains)) {
                continue;
            }
            matched++;
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            self.merge(frame(stack.getFrames().get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
                String name = frame(frame);
                if (seen.add(name)) {
                    inclusive.merge(name, 1, Integer::sum);
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format("%,d CPU samples in all, %,d in threads whose name contains any of %s.%n%n", all, matched,
                threadFilters));
        md.append(table("Samples by thread kind (all threads)", "thread kind", sorted(byThreadKind, 20), all));
        md.append(table("Top frames by self samples (job threads)", "frame", sorted(self, top), matched));
        md.append(table("Top frames by inclusive samples (job threads)", "frame", sorted(inclusive, top), matched));
        return md.toString();
    }

    private static String frame(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static Map<String, Integer> sorted(Map<String, Integer> counts, int top) {
        Map<String, Integer> result = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(entry -> result.put(entry.getKey(), entry.getValue()));
        return result;
    }

    private static String table(String title, String what, Map<String, Integer> rows, int total) {
        StringBuilder md = new StringBuilder("### ").append(title).append("\n\n| ").append(what)
                .append(" | samples | share |\n|---|---:|---:|\n");
        rows.forEach((name, count) -> md.append(String.format("| `%s` | %,d | %.1f%% |%n", name, count,
                total == 0 ? 0 : 100.0 * count / total)));
        return md.append("\n").toString();
    }
}
