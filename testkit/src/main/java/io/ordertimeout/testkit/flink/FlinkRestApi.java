package io.ordertimeout.testkit.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The read-only calls of Flink's REST API (what the web UI and {@code flink list} use) that tests
 * of a {@link FlinkTestCluster} need. Plain HTTP + JSON: no Flink class is on the testkit's class
 * path, and the REST API is the stable contract.
 */
public final class FlinkRestApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    FlinkRestApi(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** GET {@code path} (relative to the REST root, e.g. {@code jobs/overview}) as JSON. */
    public JsonNode get(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new FlinkRestException(request.uri(), response.statusCode(), response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.uri(), e);
        }
    }

    /** The job's state, e.g. {@code RUNNING}, {@code FINISHED}, {@code CANCELED}. */
    public String jobState(String jobId) {
        return get("jobs/" + jobId).path("state").asText();
    }

    /** Ids of the jobs in a state (e.g. {@code RUNNING}), from {@code /jobs/overview}. */
    public List<String> jobIds(String state) {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("jobs/overview").path("jobs")) {
            if (job.path("state").asText().equals(state)) {
                ids.add(job.path("jid").asText());
            }
        }
        return ids;
    }

    /** True once every vertex of the job has all its subtasks RUNNING (the job's own state says RUNNING earlier). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = get("jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    /**
     * The job's {@code numRestarts} metric (restarts since the job was submitted), or -1 before the
     * JobManager reports it.
     */
    public long numRestarts(String jobId) {
        for (JsonNode metric : get("jobs/" + jobId + "/metrics?get=numRestarts")) {
            if (metric.path("id").asText().equals("numRestarts")) {
                return Long.parseLong(metric.path("value").asText());
            }
        }
        return -1;
    }

    /** How many checkpoints of the job completed ({@code /jobs/<id>/checkpoints}, counts.completed). */
    public long completedCheckpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The external path of the job's latest completed checkpoint, what {@code flink run -s} takes. */
    public Optional<String> latestCompletedCheckpointPath(String jobId) {
        JsonNode completed = get("jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        String path = completed.path("external_path").asText("");
        return completed.isMissingNode() || completed.isNull() || path.isEmpty() || path.equals("<checkpoint-not-externally-addressable>")
                ? Optional.empty() : Optional.of(path);
    }

    /**
     * How many TaskManagers are registered with the ResourceManager. A killed one stays listed
     * until its heartbeat times out.
     */
    public int registeredTaskManagers() {
        return get("taskmanagers").path("taskmanagers").size();
    }

    /** The resource ids of the registered TaskManagers (each started with {@code taskmanager.resource-id}). */
    public Set<String> registeredTaskManagerIds() {
        Set<String> ids = new TreeSet<>();
        get("taskmanagers").path("taskmanagers").forEach(taskManager -> ids.add(taskManager.path("id").asText()));
        return ids;
    }

    /** Free task slots over all TaskManagers ({@code /overview}). */
    public int availableSlots() {
        return get("overview").path("slots-available").asInt();
    }

    /** A REST call that answered with a status other than 200. */
    public static final class FlinkRestException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        FlinkRestException(URI uri, int status, String body) {
            super("GET " + uri + " returned " + status + ": " + body);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
