package io.ordertimeout.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few read-only calls of Flink's REST API (the one behind the web UI) that the local run and
 * its tests need. Plain HTTP + JSON rather than Flink's RestClusterClient, because reading metrics
 * is not part of that client's API and the web UI's own calls are the contract worth testing.
 */
public final class FlinkRestClient {

    /** A job vertex (a chain of operators) as the web UI lists it. */
    public record Vertex(String id, String name, int parallelism) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public FlinkRestClient(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
    }

    public JsonNode get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(TIMEOUT)
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while calling " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + request.uri() + " returned " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The job's vertices in topological order ({@code /jobs/<id>}). */
    public List<Vertex> vertices(String jobId) throws IOException {
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode vertex : get("jobs/" + jobId).path("vertices")) {
            vertices.add(new Vertex(vertex.path("id").asText(), vertex.path("name").asText(),
                    vertex.path("parallelism").asInt()));
        }
        return vertices;
    }

    /** The job's state as the web UI shows it, e.g. RUNNING. */
    public String jobState(String jobId) throws IOException {
        return get("jobs/" + jobId).path("state").asText();
    }

    /** Ids of the metrics the subtasks of a vertex report ({@code /jobs/<id>/vertices/<vid>/subtasks/metrics}). */
    public List<String> subtaskMetricNames(String jobId, String vertexId) throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode metric : get("jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")) {
            names.add(metric.path("id").asText());
        }
        return names;
    }

    /**
     * Metrics aggregated over all subtasks of a vertex, e.g. {@code agg=sum} for counters or
     * {@code agg=max} for a percentile. Metrics not reported yet are absent from the result.
     */
    public Map<String, Double> subtaskMetrics(String jobId, String vertexId, String aggregation,
            Collection<String> metricIds) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        if (metricIds.isEmpty()) {
            return values;
        }
        String get = URLEncoder.encode(String.join(",", metricIds), StandardCharsets.UTF_8);
        JsonNode result = get("jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get=" + get
                + "&agg=" + aggregation);
        for (JsonNode metric : result) {
            JsonNode value = metric.path(aggregation);
            if (value.isNumber()) {
                values.put(metric.path("id").asText(), value.asDouble());
            }
        }
        return values;
    }
}
