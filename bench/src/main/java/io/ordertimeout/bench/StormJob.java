package io.ordertimeout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.time.WallClock;

/**
 * The job (RocksDB) for the deadline storm, on a MiniCluster this class starts itself so that its
 * REST address is known: the storm reads the checkpoint history ({@code /jobs/:id/checkpoints},
 * Flink's public REST API) to report how long checkpoints took while the timers fired. A job
 * submitted with {@code executeAsync} on a local environment hides its cluster's address.
 */
final class StormJob implements AutoCloseable {

    /** One completed checkpoint, wall-clock millis. */
    record Checkpoint(long id, long triggeredAt, long durationMs, long checkpointedBytes) {
        long completedAt() {
            return triggeredAt + durationMs;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MiniCluster cluster;
    private final URI rest;
    private final JobClient job;
    private final HttpClient http = HttpClient.newHttpClient();

    private StormJob(MiniCluster cluster, URI rest, JobClient job) {
        this.cluster = cluster;
        this.rest = rest;
        this.job = job;
    }

    static StormJob start(Configuration config, int parallelism, String name) throws Exception {
        config.setString("web.checkpoints.history", "1000");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(Math.max(4, parallelism))
                .build());
        try {
            cluster.start();
            URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                    rest.getHost(), rest.getPort(), config);
            env.setParallelism(parallelism);
            OrderTimeoutJob.define(env, config, RocketMqOrderSource.from(config), WallClock.system());
            JobClient job = env.executeAsync(name);
            FlinkJobContender.awaitRunning(job, Duration.ofSeconds(60));
            return new StormJob(cluster, rest, job);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** Completed checkpoints so far, oldest first. */
    List<Checkpoint> completedCheckpoints() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                rest.resolve("/jobs/" + job.getJobID() + "/checkpoints")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Checkpoint statistics: HTTP " + response.statusCode() + " " + response.body());
        }
        List<Checkpoint> completed = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("history")) {
            if ("COMPLETED".equals(entry.path("status").asText())) {
                completed.add(new Checkpoint(entry.path("id").asLong(), entry.path("trigger_timestamp").asLong(),
                        entry.path("end_to_end_duration").asLong(), entry.path("checkpointed_size").asLong()));
            }
        }
        completed.sort((a, b) -> Long.compare(a.id(), b.id()));
        return completed;
    }

    @Override
    public void close() throws Exception {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Cancelling the storm job failed: " + e);
        } finally {
            cluster.close();
        }
    }
}
