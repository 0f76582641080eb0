package io.ordertimeout.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job's own metrics (user group {@code orderTimeout}) summed over its subtasks, read through
 * the REST API the web UI uses. Metric ids there are {@code <operator name>.orderTimeout.<metric>}
 * (spaces in the operator name become '_'), histogram statistics get suffixes like {@code _p99}.
 */
public final class JobMetrics {

    public static final String GROUP = "orderTimeout";

    /** Values of one reading; a metric not reported yet is absent. */
    public record Reading(Map<String, Double> sums, Map<String, Double> maxima) {

        public Optional<Long> sum(String metric) {
            return Optional.ofNullable(sums.get(metric)).map(Double::longValue);
        }

        /** The largest value any subtask reports, e.g. closeLatenessMillis_p99 (an upper bound of the job-wide p99). */
        public Optional<Long> max(String metric) {
            return Optional.ofNullable(maxima.get(metric)).map(Double::longValue);
        }
    }

    private static final List<String> SUMMED = List.of("eventsCreated", "eventsPaid", "eventsCancelled",
            "duplicates", "ignoredEvents", "closes", "refunds", "deadLetters", "pendingOrders", "appliedCloses",
            "notPendingCloses", "writtenRefunds", "guardBlockedRefunds");
    private static final List<String> MAXIMA = List.of("closeLatenessMillis_median", "closeLatenessMillis_p99",
            "closeLatenessMillis_count", "watermarkLagMillis");

    private final FlinkRestClient rest;
    private final String jobId;
    /** vertex id → (metric name → REST metric id), filled as the metrics appear. */
    private final Map<String, Map<String, String>> idsByVertex = new HashMap<>();

    public JobMetrics(FlinkRestClient rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /**
     * Like {@link #read()}, but current: the REST API answers from a cache that a request only
     * schedules to refresh (at most every {@code metrics.fetcher.update-interval}), so a single
     * request sees the values of the previous one. This one primes the cache, waits
     * {@code settle} (a little more than that interval) and reads again.
     */
    public Reading readFresh(java.time.Duration settle) throws IOException, InterruptedException {
        read();
        Thread.sleep(settle.toMillis());
        return read();
    }

    /** The job's state, e.g. RUNNING or RESTARTING. */
    public String jobState() throws IOException {
        return rest.jobState(jobId);
    }

    public Reading read() throws IOException {
        Map<String, Double> sums = new HashMap<>();
        Map<String, Double> maxima = new HashMap<>();
        for (FlinkRestClient.Vertex vertex : rest.vertices(jobId)) {
            Map<String, String> ids = metricIds(vertex.id());
            collect(vertex.id(), "sum", SUMMED, ids, sums);
            collect(vertex.id(), "max", MAXIMA, ids, maxima);
        }
        return new Reading(sums, maxima);
    }

    private void collect(String vertexId, String aggregation, List<String> metrics, Map<String, String> ids,
            Map<String, Double> into) throws IOException {
        List<String> wanted = new ArrayList<>();
        Map<String, String> metricById = new HashMap<>();
        for (String metric : metrics) {
            String id = ids.get(metric);
            if (id != null) {
                wanted.add(id);
                metricById.put(id, metric);
            }
        }
        rest.subtaskMetrics(jobId, vertexId, aggregation, wanted)
                .forEach((id, value) -> into.merge(metricById.get(id), value, Double::sum));
    }

    private Map<String, String> metricIds(String vertexId) throws IOException {
        Map<String, String> ids = idsByVertex.computeIfAbsent(vertexId, id -> new HashMap<>());
        if (ids.size() < SUMMED.size() + MAXIMA.size()) {
            for (String id : rest.subtaskMetricNames(jobId, vertexId)) {
                int at = id.indexOf("." + GROUP + ".");
                if (at >= 0) {
                    ids.put(id.substring(at + GROUP.length() + 2), id);
                }
            }
        }
        return ids;
    }
}
