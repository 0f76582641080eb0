package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.flink.FlinkTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's fat jar on the real cluster, driven the way an operator drives it with Flink's CLI:
 * submitted, stopped with a savepoint (never drained: draining would fire every pending timer) and
 * resumed, cancelled and resumed from its latest retained checkpoint.
 */
final class JobUnderTest {

    private static final Logger LOG = LoggerFactory.getLogger(JobUnderTest.class);
    private static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(90);

    private final FlinkTestCluster cluster;
    private final Path jar;
    private final List<String> programArgs;
    private String jobId;
    private int parallelism;

    JobUnderTest(FlinkTestCluster cluster, Path jar, List<String> programArgs) {
        this.cluster = cluster;
        this.jar = jar;
        this.programArgs = List.copyOf(programArgs);
    }

    void submit(int parallelism) {
        jobId = cluster.submit(jar, parallelism, programArgs);
        this.parallelism = parallelism;
        LOG.info("Job {} submitted at parallelism {}", jobId, parallelism);
    }

    String jobId() {
        return jobId;
    }

    int parallelism() {
        return parallelism;
    }

    /** Waits for one more completed checkpoint than now, so a following restore has fresh state. */
    void awaitNextCheckpoint() {
        long completed = cluster.rest().completedCheckpoints(jobId);
        cluster.awaitCompletedCheckpoints(jobId, completed + 1, CHECKPOINT_WAIT);
    }

    /** {@code flink stop --savepointPath}; returns the savepoint. The job is down afterwards. */
    String stopWithSavepoint() {
        String savepoint = cluster.stopWithSavepoint(jobId);
        LOG.info("Job {} stopped with savepoint {}", jobId, savepoint);
        return savepoint;
    }

    /** {@code flink cancel}; returns the latest retained checkpoint. The job is down afterwards. */
    String cancelKeepingCheckpoint() {
        awaitNextCheckpoint();
        String cancelled = jobId;
        cluster.cancel(cancelled);
        String checkpoint = cluster.latestCompletedCheckpoint(cancelled)
                .orElseThrow(() -> new IllegalStateException("Job " + cancelled + " has no retained checkpoint"));
        LOG.info("Job {} cancelled; latest retained checkpoint {}", cancelled, checkpoint);
        return checkpoint;
    }

    /** {@code flink run -s <path> -p <parallelism>}. */
    void resume(String savepointOrCheckpoint, int newParallelism) {
        jobId = cluster.resume(jar, savepointOrCheckpoint, newParallelism, programArgs);
        parallelism = newParallelism;
        LOG.info("Job {} resumed from {} at parallelism {}", jobId, savepointOrCheckpoint, newParallelism);
    }

    long restarts() {
        return cluster.rest().numRestarts(jobId);
    }
}
