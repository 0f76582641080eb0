package io.ordertimeout.testkit.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cluster's processes: a JobManager and TaskManagers that register and serve REST, a
 * TaskManager killed with SIGKILL and a new one started, and nothing left behind by close.
 * (Jobs are submitted to it in the faults module, where the job's fat jar is built.)
 */
class FlinkTestClusterTest {

    @Test
    void startsKillsAndReplacesTaskManagersAndCleansUp() throws Exception {
        Path home;
        ProcessHandle jobManager;
        ProcessHandle replacement;
        try (FlinkTestCluster cluster = FlinkTestCluster.builder().taskManagers(1).slotsPerTaskManager(2).start()) {
            home = cluster.files().home();
            assertThat(cluster.rest().registeredTaskManagers()).isEqualTo(1);
            assertThat(cluster.rest().availableSlots()).isEqualTo(2);
            assertThat(cluster.rest().get("config").path("flink-version").asText()).isEqualTo("2.3.0");
            assertThat(Files.readString(cluster.files().conf().resolve("config.yaml")))
                    .contains("rest.bind-address: '127.0.0.1'");

            Map<Integer, Long> pids = cluster.taskManagerPids();
            assertThat(pids).containsOnlyKeys(1);
            long killedPid = pids.get(1);
            assertThat(classPathOf(killedPid)).doesNotContain("order-timeout-job", "testkit/target/classes",
                    "rocketmq", "postgresql");
            cluster.killTaskManager(1);
            assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

            // The replacement starts while the JobManager still lists the killed one (its heartbeat has not
            // timed out): startTaskManager must wait for the new TaskManager itself, not for a count.
            int index = cluster.startTaskManager();
            assertThat(index).isEqualTo(2);
            assertThat(cluster.taskManagerPids()).containsOnlyKeys(2);
            assertThat(cluster.rest().registeredTaskManagerIds()).contains("taskmanager-2");
            cluster.await("the killed TaskManager to be unregistered", Duration.ofSeconds(30),
                    () -> cluster.rest().registeredTaskManagerIds().equals(Set.of("taskmanager-2")));
            assertThat(cluster.rest().registeredTaskManagers()).isEqualTo(1);
            assertThat(cluster.taskManagerLog(2)).exists();
            jobManager = ProcessHandle.of(cluster.jobManagerPid()).orElseThrow();
            replacement = ProcessHandle.of(cluster.taskManagerPids().get(2)).orElseThrow();
        }
        assertThat(jobManager.isAlive()).isFalse();
        assertThat(replacement.isAlive()).isFalse();
        assertThat(home).doesNotExist();
    }

    /** The child's class path from its command line ({@code /proc/<pid>/cmdline}, NUL-separated). */
    private static String classPathOf(long pid) throws java.io.IOException {
        String[] arguments = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0");
        for (int i = 0; i < arguments.length - 1; i++) {
            if (arguments[i].equals("-cp")) {
                return arguments[i + 1];
            }
        }
        throw new AssertionError("No -cp in the command line of " + pid);
    }
}
