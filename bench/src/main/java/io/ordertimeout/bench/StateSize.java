package io.ordertimeout.bench;

import io.ordertimeout.OrderTimeoutPipeline;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.OrderTimeoutFunction;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.time.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.runtime.checkpoint.CheckpointException;

/**
 * State bytes per pending order and restore time: N orders created and never paid (deadline a
 * day away), a native-format savepoint (what a checkpoint holds) of the timeout operator, its size
 * on disk divided by N; then the same job restored from it, timed from submission to the first
 * event processed after restore, next to the same job started without state.
 */
final class StateSize {

    /**
     * {@code fillMillis}: from submission until the generator had handed out all N CREATED events
     * (it is back-pressured by the keyed operator, so this is how fast the job takes in new orders
     * as its state grows, within a few network buffers); {@code savepointMillis}: from triggering
     * the savepoint until it completed.
     */
    record Result(String backend, int pendingOrders, long fillMillis, long bytes, long savepointMillis,
            long restoreMillis, long emptyStartMillis) {
        double bytesPerOrder() {
            return (double) bytes / pendingOrders;
        }

        double fillRate() {
            return pendingOrders / Math.max(0.001, fillMillis / 1e3);
        }
    }

    static final AtomicLong GENERATED = new AtomicLong();
    static final AtomicLong FIRST_PROCESSED_NANOS = new AtomicLong();

    private static final Path STORAGE = Paths.get(System.getProperty("java.io.tmpdir"), "order-timeout-bench-checkpoints");

    private StateSize() {}

    static Result measure(String backend, int pendingOrders, int parallelism, Path workDirectory) throws Exception {
        Path savepoints = Files.createDirectories(workDirectory.resolve("savepoints-" + backend));
        GENERATED.set(0);
        long fillStarted = System.nanoTime();
        JobClient filling = submit(backend, pendingOrders, parallelism, null);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(40);
        while (GENERATED.get() < pendingOrders) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Pending orders not generated in time");
            }
            Thread.sleep(100);
        }
        long fillMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStarted);
        Savepoint taken = savepoint(filling, savepoints);
        String savepoint = taken.path();
        long savepointMillis = taken.millis();
        filling.cancel().get(1, TimeUnit.MINUTES);
        long bytes = sizeOf(Paths.get(java.net.URI.create(savepoint)));

        long restoreMillis = timeToFirstEvent(backend, pendingOrders, parallelism, savepoint);
        long emptyMillis = timeToFirstEvent(backend, pendingOrders, parallelism, null);
        // A 10 M-order savepoint is some 300 MB; the figures are taken, the files are not needed.
        deleteRecursively(Paths.get(java.net.URI.create(savepoint)));
        return new Result(backend, pendingOrders, fillMillis, bytes, savepointMillis, restoreMillis, emptyMillis);
    }

    /** A completed savepoint and how long its (successful) attempt took. */
    private record Savepoint(String path, long millis) {}

    /**
     * A small N is generated before every subtask runs (the job is RUNNING as soon as it is
     * scheduled), and Flink refuses a savepoint until all tasks run: retried for a while.
     */
    private static Savepoint savepoint(JobClient job, Path directory) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long started = System.nanoTime();
            try {
                String path = job.triggerSavepoint(directory.toUri().toString(), SavepointFormatType.NATIVE)
                        .get(20, TimeUnit.MINUTES);
                return new Savepoint(path, (System.nanoTime() - started) / 1_000_000);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(ExceptionUtils.findThrowable(e, CheckpointException.class).isPresent())
                        || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static long timeToFirstEvent(String backend, int pendingOrders, int parallelism, String savepoint)
            throws Exception {
        FIRST_PROCESSED_NANOS.set(0);
        long submitted = System.nanoTime();
        JobClient job = submit(backend, savepoint == null ? 0 : pendingOrders, parallelism, savepoint);
        try {
            long deadline = submitted + TimeUnit.MINUTES.toNanos(10);
            while (FIRST_PROCESSED_NANOS.get() == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("No event processed after restore");
                }
                Thread.sleep(10);
            }
            return (FIRST_PROCESSED_NANOS.get() - submitted) / 1_000_000;
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    private static JobClient submit(String backend, int pendingOrders, int parallelism, String savepoint) throws Exception {
        Configuration config = FlinkSettings.base(backend);
        config.setString("execution.checkpointing.interval", "10 min");
        // The default JobManager storage refuses heap snapshots above 5 MB.
        config.setString("execution.checkpointing.storage", "filesystem");
        config.setString("execution.checkpointing.dir", STORAGE.toUri().toString());
        if (savepoint != null) {
            config.setString("execution.state-recovery.path", savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        env.fromSource(new DataGeneratorSource<>(new PendingOrders(pendingOrders), Long.MAX_VALUE,
                                TypeInformation.of(OrderEvent.class)),
                        WatermarkStrategy.noWatermarks(), "Pending orders")
                .uid("pending-orders").setParallelism(1)
                .keyBy(event -> event.orderId)
                .process(new FirstEventTimedFunction())
                .uid(OrderTimeoutPipeline.TIMEOUT_UID)
                .sinkTo(new DiscardingSink<>());
        JobClient client = env.executeAsync("bench-state-" + backend);
        FlinkJobContender.awaitRunning(client, Duration.ofMinutes(5));
        return client;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /**
     * N CREATED events (deadline a day later), then a slow trickle of one repeated CREATED (a
     * duplicate, so the state does not grow) that keeps the source open for the savepoint and
     * gives the restored job an event to process.
     */
    static final class PendingOrders implements GeneratorFunction<Long, OrderEvent> {
        private static final long serialVersionUID = 1L;
        private final long pending;

        PendingOrders(long pending) {
            this.pending = pending;
        }

        @Override
        public OrderEvent map(Long index) throws Exception {
            if (index < pending) {
                OrderEvent created = OrderEvent.created(GeneratedOrders.orderId(index), GeneratedOrders.BASE_TIME + index);
                created.payTimeoutSeconds = 86_400;
                return created;
            }
            GENERATED.set(pending);
            Thread.sleep(20);
            OrderEvent probe = OrderEvent.created(GeneratedOrders.orderId(0), GeneratedOrders.BASE_TIME);
            probe.payTimeoutSeconds = 86_400;
            return probe;
        }
    }

    /** The job's function, noting when it first processes an event (restore is done by then). */
    static final class FirstEventTimedFunction extends OrderTimeoutFunction {
        private static final long serialVersionUID = 1L;

        FirstEventTimedFunction() {
            super(Duration.ofMinutes(30), Duration.ofHours(24), WallClock.system());
        }

        @Override
        public void processElement(OrderEvent event, Context ctx, Collector<CloseCommand> out) throws Exception {
            FIRST_PROCESSED_NANOS.compareAndSet(0, System.nanoTime());
            super.processElement(event, ctx, out);
        }
    }
}
