package io.ordertimeout.testkit.flink;

import io.ordertimeout.testkit.process.ChildJvm;
import io.ordertimeout.testkit.process.LoopbackPorts;
import io.ordertimeout.testkit.process.StopOnce;
import io.ordertimeout.testkit.process.TempDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink session cluster of separate processes, as a Flink distribution starts it: one
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and N TaskManagers
 * ({@code TaskManagerRunner}), each a child JVM with Flink's class path only (see
 * {@link FlinkDistribution}), a generated {@code config.yaml}, free loopback ports, the web UI and
 * RocksDB; jobs are submitted, stopped and resumed with Flink's own CLI ({@link FlinkCli}). A job's
 * classes come only from the jar submitted, through Flink's user-code class loader.
 *
 * <p>Everything lives under one temporary {@link #files() home}, deleted on {@link #close()} (set
 * the system property {@value #KEEP_FILES_PROPERTY} to keep it). The children exit when this JVM
 * dies, however it dies ({@link io.ordertimeout.testkit.process.ParentWatchingMain}).
 *
 * <p>Sized for a 2-core machine: small heaps, {@link Builder#slotsPerTaskManager 1 slot} per
 * TaskManager by default, fast heartbeats so that a killed TaskManager is noticed in seconds.
 */
public final class FlinkTestCluster implements AutoCloseable {

    /** Set to {@code true} to keep the cluster's home directory (logs, checkpoints) after close. */
    public static final String KEEP_FILES_PROPERTY = "flink-test-cluster.keep-files";

    private static final Logger LOG = LoggerFactory.getLogger(FlinkTestCluster.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration GRACEFUL_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    private final FlinkClusterFiles files;
    private final Builder settings;
    private final String classPath = FlinkDistribution.classPath();
    private final Map<Integer, ChildJvm> taskManagers = new LinkedHashMap<>();
    private StopOnce stopOnce;
    private FlinkRestApi rest;
    private FlinkCli cli;
    private ChildJvm jobManager;
    private ChildJvm zooKeeper;
    private int jobManagerStarts;
    private int taskManagerStarts;

    private FlinkTestCluster(FlinkClusterFiles files, Builder settings) {
        this.files = files;
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the config, logs, checkpoints and savepoints are. */
    public FlinkClusterFiles files() {
        return files;
    }

    /** Flink's REST API (the web UI's), e.g. {@code http://127.0.0.1:port/}. */
    public FlinkRestApi rest() {
        return rest;
    }

    /** Flink's CLI against this cluster. */
    public FlinkCli cli() {
        return cli;
    }

    /** {@code flink run -d -p <parallelism> <jar> <args>}; returns the job id once its tasks all run. */
    public String submit(Path jar, int parallelism, List<String> programArgs) {
        return runAndAwaitTasks(jar, parallelism, null, programArgs);
    }

    /**
     * {@code flink run -d -s <path> -p <parallelism> <jar> <args>}: resumes from a savepoint or a
     * retained checkpoint (as {@link #stopWithSavepoint} or {@link FlinkRestApi#latestCompletedCheckpointPath} give it).
     */
    public String resume(Path jar, String savepointOrCheckpoint, int parallelism, List<String> programArgs) {
        return runAndAwaitTasks(jar, parallelism, savepointOrCheckpoint, programArgs);
    }

    /** {@code flink stop --savepointPath}: returns the savepoint's path once the job is FINISHED. */
    public String stopWithSavepoint(String jobId) {
        String path = cli.stopWithSavepoint(jobId, files.savepoints());
        awaitJobState(jobId, "FINISHED", Duration.ofSeconds(60));
        return path;
    }

    /** {@code flink cancel}; returns once the job is CANCELED. */
    public void cancel(String jobId) {
        cli.cancel(jobId);
        awaitJobState(jobId, "CANCELED", Duration.ofSeconds(60));
    }

    public void awaitJobState(String jobId, String state, Duration timeout) {
        await("job " + jobId + " to be " + state, timeout, () -> rest.jobState(jobId).equals(state));
    }

    /** Waits until the job has at least {@code count} completed checkpoints. */
    public void awaitCompletedCheckpoints(String jobId, long count, Duration timeout) {
        await("job " + jobId + " to complete " + count + " checkpoints", timeout,
                () -> rest.completedCheckpoints(jobId) >= count);
    }

    /**
     * The latest completed checkpoint of a job (retained on cancel by this cluster's config), once
     * its {@code _metadata} is on disk. The REST API caches checkpoint statistics, so right after a
     * new checkpoint it can still name the one that checkpoint subsumed and deleted; this waits
     * until the path it names exists.
     */
    public Optional<String> latestCompletedCheckpoint(String jobId) {
        if (rest.latestCompletedCheckpointPath(jobId).isEmpty()) {
            return Optional.empty();
        }
        String[] existing = new String[1];
        await("the latest checkpoint of job " + jobId + " on disk", Duration.ofSeconds(30), () -> {
            Optional<String> path = rest.latestCompletedCheckpointPath(jobId);
            if (path.isPresent() && Files.exists(Path.of(URI.create(path.get())).resolve("_metadata"))) {
                existing[0] = path.get();
                return true;
            }
            return false;
        });
        return Optional.of(existing[0]);
    }

    /** Process ids of the running TaskManagers by index (indexes are never reused). */
    public Map<Integer, Long> taskManagerPids() {
        Map<Integer, Long> pids = new LinkedHashMap<>();
        taskManagers.forEach((index, jvm) -> {
            if (jvm.isAlive()) {
                pids.put(index, jvm.pid());
            }
        });
        return pids;
    }

    public long jobManagerPid() {
        return jobManager.pid();
    }

    /**
     * {@code kill -9} of the JobManager. With {@link Builder#highAvailability() HA}, a JobManager
     * {@link #startJobManager() started} after it recovers the running jobs from ZooKeeper and
     * their latest checkpoints; without it, the jobs are gone.
     */
    public void killJobManager() {
        jobManager.kill();
        LOG.info("Killed JobManager {} (pid {})", jobManagerStarts, jobManager.pid());
    }

    /** Starts a new JobManager (after {@link #killJobManager()}) and returns once its REST API answers. */
    public void startJobManager() {
        if (jobManager != null && jobManager.isAlive()) {
            throw new IllegalStateException("The JobManager (pid " + jobManager.pid() + ") still runs");
        }
        launchJobManager();
    }

    /** Whether the cluster runs with ZooKeeper HA ({@link Builder#highAvailability()}). */
    public boolean highAvailability() {
        return settings.highAvailability;
    }

    /** {@code kill -9} of a TaskManager, as when its host dies; returns once the process is gone. */
    public void killTaskManager(int index) {
        ChildJvm taskManager = taskManagers.get(index);
        if (taskManager == null) {
            throw new IllegalArgumentException("No TaskManager " + index + "; there are " + taskManagers.keySet());
        }
        taskManager.kill();
        LOG.info("Killed TaskManager {} (pid {})", index, taskManager.pid());
    }

    /** Starts one more TaskManager and returns its index once the JobManager has registered it. */
    public int startTaskManager() {
        int index = launchTaskManager();
        // Waits for this TaskManager's own resource id: a count of registrations was fooled when a killed
        // TaskManager's removal and the new one's registration came together (the campaign waited 90 s for nothing).
        String resourceId = taskManagerResourceId(index);
        await("TaskManager " + index + " to register", STARTUP_TIMEOUT,
                () -> rest.registeredTaskManagerIds().contains(resourceId));
        return index;
    }

    private static String taskManagerResourceId(int index) {
        return "taskmanager-" + index;
    }

    /** The log4j file of a TaskManager ({@code taskmanager-<index>.log}). */
    public Path taskManagerLog(int index) {
        return files.logs().resolve("taskmanager-" + index + ".log");
    }

    /** The console output of a TaskManager (stdout and stderr, e.g. uncaught exceptions of threads). */
    public Path taskManagerOutput(int index) {
        return files.logs().resolve("taskmanager-" + index + ".out");
    }

    public Path jobManagerLog() {
        return files.logs().resolve("jobmanager-" + jobManagerStarts + ".log");
    }

    @Override
    public void close() {
        stopOnce.stop();
    }

    private FlinkTestCluster startProcesses() {
        long startNanos = System.nanoTime();
        int restPort = LoopbackPorts.free();
        Map<String, String> config = configuration(restPort);
        if (settings.highAvailability) {
            config.putAll(startZooKeeper());
            config.putAll(settings.configuration);
        }
        writeConfigFiles(config);
        rest = new FlinkRestApi(URI.create("http://127.0.0.1:" + restPort + "/"));
        cli = new FlinkCli(files, classPath);
        launchJobManager();
        for (int i = 0; i < settings.taskManagers; i++) {
            launchTaskManager();
        }
        await(settings.taskManagers + " TaskManagers to register", STARTUP_TIMEOUT,
                () -> rest.registeredTaskManagers() >= settings.taskManagers);
        LOG.info("Flink cluster started in {} ms: REST {}, {} TaskManagers x {} slots, home {}",
                (System.nanoTime() - startNanos) / 1_000_000, rest.base(), settings.taskManagers,
                settings.slotsPerTaskManager, files.home());
        return this;
    }

    /**
     * A one-node ZooKeeper in a child JVM: Flink's own {@code FlinkZooKeeperQuorumPeer} (what
     * {@code bin/start-zookeeper-quorum.sh} runs) with the ZooKeeper server shaded into
     * flink-shaded-zookeeper-3, so no other ZooKeeper is needed. Returns the HA settings.
     */
    private Map<String, String> startZooKeeper() {
        int clientPort = LoopbackPorts.free();
        Path directory = files.home().resolve("zookeeper");
        Path config = directory.resolve("zoo.cfg");
        try {
            Files.createDirectories(directory);
            Files.writeString(config, String.join("\n",
                    "tickTime=1000",
                    "initLimit=10",
                    "syncLimit=5",
                    "dataDir=" + directory.resolve("data"),
                    "clientPort=" + clientPort,
                    "clientPortAddress=127.0.0.1",
                    "admin.enableServer=false",
                    "server.1=127.0.0.1:" + LoopbackPorts.free() + ":" + LoopbackPorts.free(),
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
        zooKeeper = ChildJvm.start("zookeeper", jvmOptions("zookeeper", "-Xms64m", "-Xmx128m"), classPath,
                files.launcher(), "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer",
                List.of("--zkConfigFile", config.toString(), "--peerId", "1"), Map.of(), files.home(),
                files.logs().resolve("zookeeper.out"));
        await("ZooKeeper to listen on 127.0.0.1:" + clientPort, STARTUP_TIMEOUT, () -> {
            if (!zooKeeper.isAlive()) {
                throw new IllegalStateException("ZooKeeper exited:\n" + zooKeeper.outputTail(40));
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", clientPort), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        Map<String, String> ha = new LinkedHashMap<>();
        ha.put("high-availability.type", "zookeeper");
        ha.put("high-availability.zookeeper.quorum", "127.0.0.1:" + clientPort);
        ha.put("high-availability.storageDir", files.home().resolve("ha").toUri().toString());
        ha.put("high-availability.cluster-id", "/flink-test-cluster");
        // A killed JobManager's leadership ends with its ZooKeeper session: seconds, not the default minute.
        ha.put("high-availability.zookeeper.client.session-timeout", "6000");
        ha.put("high-availability.zookeeper.client.connection-timeout", "5000");
        // No JAAS configuration here: without this every process logs "Authentication failed" (ERROR).
        ha.put("zookeeper.sasl.disable", "true");
        return ha;
    }

    private void launchJobManager() {
        jobManagerStarts++;
        String name = "jobmanager-" + jobManagerStarts;
        List<String> jvmOptions = jvmOptions(name, "-Xms256m", "-Xmx256m", "-XX:MaxMetaspaceSize=192m");
        jobManager = ChildJvm.start(name, jvmOptions, classPath, files.launcher(), JOB_MANAGER_MAIN,
                List.of("--configDir", files.conf().toString()), Map.of("FLINK_CONF_DIR", files.conf().toString()),
                files.home(), files.logs().resolve(name + ".out"));
        await("the JobManager's REST API", STARTUP_TIMEOUT, () -> {
            rest.get("overview");
            return true;
        });
    }

    private int launchTaskManager() {
        int index = ++taskManagerStarts;
        String name = taskManagerResourceId(index);
        // -Xmx = framework + task heap, MaxDirectMemorySize = framework + task off-heap + network: what
        // bin/taskmanager.sh derives (BashJavaUtils) from the memory sizes in configuration().
        List<String> jvmOptions = jvmOptions(name, "-Xms384m", "-Xmx384m", "-XX:MaxDirectMemorySize=192m",
                "-XX:MaxMetaspaceSize=256m");
        jvmOptions.addAll(settings.taskManagerJvmOptions);
        ChildJvm taskManager = ChildJvm.start(name, jvmOptions, classPath, files.launcher(), TASK_MANAGER_MAIN,
                List.of("--configDir", files.conf().toString(), "-Dtaskmanager.resource-id=" + name),
                taskManagerEnvironment(), files.home(), taskManagerOutput(index));
        taskManagers.put(index, taskManager);
        return index;
    }

    private Map<String, String> taskManagerEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>(settings.taskManagerEnvironment);
        environment.put("FLINK_CONF_DIR", files.conf().toString());
        return environment;
    }

    private List<String> jvmOptions(String name, String... memory) {
        List<String> options = new ArrayList<>(List.of(memory));
        options.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Duser.home=" + files.home(),
                "-Djava.io.tmpdir=" + files.tmp(),
                "-Dlog.file=" + files.logs().resolve(name + ".log"),
                "-Dlog4j.configurationFile=" + files.log4jProperties().toUri()));
        options.addAll(FlinkDistribution.JAVA_17_OPTIONS);
        return options;
    }

    private Map<String, String> configuration(int restPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", String.valueOf(LoopbackPorts.free()));
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", String.valueOf(restPort));
        config.put("taskmanager.numberOfTaskSlots", String.valueOf(settings.slotsPerTaskManager));
        config.put("parallelism.default", "1");
        // What bin/taskmanager.sh would pass as dynamic properties; TaskManagerRunner requires them set.
        config.put("taskmanager.cpu.cores", String.valueOf(settings.slotsPerTaskManager));
        config.put("taskmanager.memory.framework.heap.size", "128m");
        config.put("taskmanager.memory.task.heap.size", "256m");
        config.put("taskmanager.memory.framework.off-heap.size", "128m");
        config.put("taskmanager.memory.task.off-heap.size", "0m");
        config.put("taskmanager.memory.network.min", "64m");
        config.put("taskmanager.memory.network.max", "64m");
        config.put("taskmanager.memory.managed.size", "128m");
        config.put("taskmanager.memory.jvm-metaspace.size", "256m");
        config.put("taskmanager.memory.jvm-overhead.min", "192m");
        config.put("taskmanager.memory.jvm-overhead.max", "192m");
        config.put("io.tmp.dirs", files.tmp().toString());
        config.put("web.tmpdir", files.tmp().resolve("web").toString());
        config.put("state.backend.type", "rocksdb");
        config.put("execution.checkpointing.dir", files.checkpoints().toUri().toString());
        config.put("execution.checkpointing.savepoint-dir", files.savepoints().toUri().toString());
        config.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        // A killed TaskManager is noticed in seconds rather than the default 50 s.
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "10000");
        // numRestarts and other metrics on REST are at most 1 s old.
        config.put("metrics.fetcher.update-interval", "1000");
        // Checkpoint statistics on REST at most 200 ms old (default: web.refresh-interval, 3 s).
        config.put("rest.cache.checkpoint-statistics.timeout", "200 ms");
        config.putAll(settings.configuration);
        return config;
    }

    private void writeConfigFiles(Map<String, String> config) {
        StringBuilder yaml = new StringBuilder("# Generated by FlinkTestCluster.\n");
        config.forEach((key, value) -> yaml.append(key).append(": '").append(value.replace("'", "''")).append("'\n"));
        try {
            Files.writeString(files.conf().resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
            Files.writeString(files.log4jProperties(), FlinkDistribution.LOG4J_PROPERTIES, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Flink configuration to " + files.conf(), e);
        }
    }

    private String runAndAwaitTasks(Path jar, int parallelism, String restorePath, List<String> programArgs) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("No job jar at " + jar);
        }
        String jobId = cli.run(jar, parallelism, restorePath, programArgs);
        await("all tasks of job " + jobId + " to run", STARTUP_TIMEOUT, () -> rest.allTasksRunning(jobId));
        return jobId;
    }

    /** Polls a condition; exceptions count as "not yet". Fails early if the JobManager died. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            if (jobManager != null && !jobManager.isAlive() && !settings.highAvailability) {
                throw new IllegalStateException("The JobManager exited while waiting for " + what + ":\n"
                        + jobManager.outputTail(40));
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                + (lastError == null ? "" : "; last error: " + lastError) + "; logs in " + files.logs(), lastError);
    }

    private synchronized void stopAllAndDeleteHome() {
        // TaskManagers first, so they do not keep trying to reconnect to a stopped JobManager.
        taskManagers.values().forEach(taskManager -> taskManager.stop(GRACEFUL_STOP_TIMEOUT));
        if (jobManager != null) {
            jobManager.stop(GRACEFUL_STOP_TIMEOUT);
        }
        if (zooKeeper != null) {
            zooKeeper.stop(GRACEFUL_STOP_TIMEOUT);
        }
        if (Boolean.getBoolean(KEEP_FILES_PROPERTY)) {
            LOG.info("Flink cluster stopped; files kept in {}", files.home());
            return;
        }
        TempDirectories.deleteQuietly(files.home());
    }

    /** How the cluster is started. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 1;
        private boolean highAvailability;
        private final Map<String, String> configuration = new LinkedHashMap<>();
        private final Map<String, String> taskManagerEnvironment = new LinkedHashMap<>();
        private final List<String> taskManagerJvmOptions = new ArrayList<>();

        private Builder() {}

        /** A JVM option of every TaskManager process (as {@code env.java.opts.taskmanager}). */
        public Builder taskManagerJvmOption(String option) {
            taskManagerJvmOptions.add(option);
            return this;
        }

        /** An environment variable of every TaskManager process (as {@code containerized.taskmanager.env.*}). */
        public Builder taskManagerEnvironment(String name, String value) {
            taskManagerEnvironment.put(name, value);
            return this;
        }

        public Builder taskManagers(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("taskManagers must be >= 0, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        public Builder slotsPerTaskManager(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slotsPerTaskManager must be >= 1, got " + slots);
            }
            this.slotsPerTaskManager = slots;
            return this;
        }

        /**
         * JobManager high availability with a real ZooKeeper (one node, a child JVM): a killed
         * JobManager can be {@link FlinkTestCluster#startJobManager() restarted} and recovers the jobs.
         */
        public Builder highAvailability() {
            this.highAvailability = true;
            return this;
        }

        /** Any Flink option in config.yaml; wins over this class's own settings. */
        public Builder configure(String key, String value) {
            configuration.put(key, value);
            return this;
        }

        public FlinkTestCluster start() {
            Path home;
            try {
                home = Files.createTempDirectory("flink-test-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Flink cluster's home directory", e);
            }
            FlinkTestCluster cluster = new FlinkTestCluster(new FlinkClusterFiles(home), this);
            cluster.stopOnce = StopOnce.registerShutdownHook("flink-test-cluster-stop", cluster::stopAllAndDeleteHome);
            try {
                return cluster.startProcesses();
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
    }
}
