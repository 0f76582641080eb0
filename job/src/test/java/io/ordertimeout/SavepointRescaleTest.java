package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.config.JobSettings;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.testing.CollectingSink;
import io.ordertimeout.time.OrderWatermarks;
import io.ordertimeout.time.WallClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading through a savepoint: pending orders are kept across stop-with-savepoint and a restore
 * at a different parallelism (2 → 3 for the keyed timeout operator, on RocksDB), and every pending
 * timer still fires exactly once.
 */
class SavepointRescaleTest {

    private static final int ORDERS = 500;
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .build());

    /** Far enough ahead that the wall-clock (idle) watermark never reaches these deadlines. */
    private static final long FAR = System.currentTimeMillis() + Duration.ofDays(1).toMillis();

    @TempDir
    Path checkpoints;

    @Test
    void pendingTimersSurviveStopWithSavepointAndRestoreAtAnotherParallelism() throws Exception {
        CollectingSink<CloseCommand> firstRun = new CollectingSink<>();
        JobClient first = submit(2, null, index -> index < ORDERS
                ? created("o-" + index, FAR + index)
                : "not json: keeps the source running without moving event time", firstRun);
        awaitPendingOrders(first.getJobID(), ORDERS);
        String savepoint = first.stopWithSavepoint(false, checkpoints.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        assertThat(firstRun.values()).as("nothing due before the savepoint").isEmpty();

        CollectingSink<CloseCommand> secondRun = new CollectingSink<>();
        long afterAllDeadlines = FAR + Duration.ofDays(2).toMillis();
        JobClient second = submit(3, savepoint, index -> created("tick-" + index, afterAllDeadlines), secondRun);
        awaitSize(secondRun::values, ORDERS);
        Thread.sleep(500); // a grace period in which a duplicate close would show up
        second.cancel().get(30, TimeUnit.SECONDS);

        Map<String, Long> closesPerOrder = secondRun.values().stream()
                .collect(Collectors.groupingBy(close -> close.orderId, Collectors.counting()));
        assertThat(closesPerOrder.keySet())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, ORDERS).mapToObj(i -> "o-" + i).toList());
        assertThat(closesPerOrder.values()).allMatch(count -> count == 1);
    }

    private JobClient submit(int parallelism, String savepoint, MessageScript messages,
            CollectingSink<CloseCommand> closes) throws Exception {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve("checkpoints").toUri().toString());
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        config.addAll(OperationalDefaults.overrides(config));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        env.setMaxParallelism(128);

        OrderEventParser parser = new OrderEventParser();
        GeneratorFunction<Long, OrderMessage> generator = index -> parser.parse(
                messages.apply(index).getBytes(StandardCharsets.UTF_8), "generated/" + index, System.currentTimeMillis());
        DataGeneratorSource<OrderMessage> source = new DataGeneratorSource<>(
                generator, Long.MAX_VALUE, RateLimiterStrategy.perSecond(500), TypeInformation.of(OrderMessage.class));
        var messageStream = env.fromSource(source,
                        OrderWatermarks.strategy(Duration.ofSeconds(1), Duration.ofSeconds(1), WallClock.system()),
                        "Generated orders")
                .uid("source")
                .setParallelism(1);
        JobSettings settings = JobSettings.from(new Configuration());
        OrderTimeoutPipeline pipeline = OrderTimeoutPipeline.attach(messageStream, settings, WallClock.system());
        pipeline.closes.sinkTo(closes).uid("collect-closes");
        return env.executeAsync("savepoint-rescale-" + parallelism);
    }

    /** The payload of the generated message number {@code index}. */
    @FunctionalInterface
    private interface MessageScript extends java.io.Serializable {
        String apply(long index);
    }

    private static String created(String orderId, long occurredAt) {
        return "{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + orderId + "\",\"occurredAt\":" + occurredAt + "}";
    }

    private static void awaitPendingOrders(JobID job, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long pending = -1;
        while (System.nanoTime() < deadline) {
            pending = METRICS.findMetrics(job, "pendingOrders").values().stream()
                    .mapToLong(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                    .sum();
            if (pending == expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pendingOrders stayed at " + pending + ", expected " + expected);
    }

    private static void awaitSize(Supplier<? extends java.util.Collection<?>> values, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && values.get().size() < expected) {
            Thread.sleep(100);
        }
        assertThat(values.get()).as("records within 60 s").hasSizeGreaterThanOrEqualTo(expected);
    }
}
