package io.ordertimeout.testkit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * JobManager HA with the cluster's ZooKeeper: a JobManager killed with SIGKILL is replaced, the new
 * one gains leadership and the running TaskManager registers with it, without a restart of its own.
 * (That jobs survive it is the fault campaign's part, where the job's jar is built.)
 */
class FlinkTestClusterHighAvailabilityTest {

    @Test
    void aKilledJobManagerIsReplacedAndTheTaskManagerRegistersWithTheNewLeader() throws Exception {
        try (FlinkTestCluster cluster = FlinkTestCluster.builder().taskManagers(1).highAvailability().start()) {
            assertThat(cluster.highAvailability()).isTrue();
            assertThat(Files.readString(cluster.files().conf().resolve("config.yaml")))
                    .contains("high-availability.type: 'zookeeper'");
            long taskManager = cluster.taskManagerPids().get(1);
            long killed = cluster.jobManagerPid();

            cluster.killJobManager();
            assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            cluster.startJobManager();

            assertThat(cluster.jobManagerPid()).isNotEqualTo(killed);
            cluster.await("the TaskManager to register with the new JobManager", Duration.ofSeconds(60),
                    () -> cluster.rest().registeredTaskManagers() == 1 && cluster.rest().availableSlots() == 1);
            assertThat(cluster.taskManagerPids()).containsEntry(1, taskManager);
            assertThat(cluster.jobManagerLog()).exists().content().contains("was granted leadership");
            for (int index : cluster.taskManagerPids().keySet()) {
                assertThat(cluster.taskManagerLog(index)).content().doesNotContain(" ERROR ");
            }
            assertThat(cluster.jobManagerLog()).content().doesNotContain(" ERROR ");
        }
    }
}
