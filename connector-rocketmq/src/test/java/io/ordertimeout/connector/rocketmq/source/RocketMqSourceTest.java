package io.ordertimeout.connector.rocketmq.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The RocketMQ source against a real broker and a Flink MiniCluster. */
class RocketMqSourceTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .build());

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Per test: bodies seen for the first time in (restored) state, or by a plain collector. */
    static final Map<String, Set<String>> RECEIVED = new ConcurrentHashMap<>();
    /** Per test: bodies the keyed state had already counted, i.e. read twice into state. */
    static final Map<String, List<String>> DUPLICATES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> COMPLETED_CHECKPOINTS = new ConcurrentHashMap<>();
    /** Tests whose next counted record throws once. */
    static final Set<String> FAILURE_ARMED = ConcurrentHashMap.newKeySet();
    static final Map<String, List<Long>> FIRED_TIMERS = new ConcurrentHashMap<>();

    private static EmbeddedRocketMq rocketMq;

    @BeforeAll
    static void startRocketMq() {
        rocketMq = EmbeddedRocketMq.start();
    }

    @AfterAll
    static void stopRocketMq() {
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    @Test
    void readsEveryMessageExactlyOnceIntoStateAcrossAFailureAndCommitsOffsets() throws Exception {
        String name = "exactly-once";
        rocketMq.createTopic(name, 4);
        List<String> firstHalf = sendToAllQueues(name, "a", 4, 250);

        StreamExecutionEnvironment env = environment(new Configuration(), 2);
        countingPipeline(env, source(name, name + "-group", StartingOffsets.earliest()), name);
        JobClient job = env.executeAsync(name);
        try {
            await("first half counted and a checkpoint completed", () ->
                    received(name).containsAll(firstHalf) && checkpoints(name) > 0);
            FAILURE_ARMED.add(name);
            List<String> secondHalf = sendToAllQueues(name, "b", 4, 250);

            awaitCommittedOffsets(name + "-group", name, 500);
            assertThat(FAILURE_ARMED).as("the injected failure happened").doesNotContain(name);
            assertThat(received(name)).hasSize(2000).containsAll(firstHalf).containsAll(secondHalf);
            assertThat(DUPLICATES.getOrDefault(name, List.of())).isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void keepsOffsetsWhenRescalingFromSavepoints(@TempDir Path savepoints) throws Exception {
        String name = "rescale";
        rocketMq.createTopic(name, 4);
        List<String> all = new ArrayList<>();
        String savepoint = null;
        int[] parallelisms = {2, 1, 3};
        for (int run = 0; run < parallelisms.length; run++) {
            Configuration config = new Configuration();
            if (savepoint != null) {
                config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env = environment(config, parallelisms[run]);
            countingPipeline(env, source(name, name + "-group", StartingOffsets.earliest()), name);
            JobClient job = env.executeAsync(name + "-" + run);
            List<String> batch = sendToAllQueues(name, "run" + run, 4, 100);
            all.addAll(batch);
            await("run " + run + " counted its batch", () -> received(name).containsAll(batch));
            savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
        }
        assertThat(received(name)).hasSize(1200).containsExactlyInAnyOrderElementsOf(all);
        assertThat(DUPLICATES.getOrDefault(name, List.of())).isEmpty();
        assertThat(rocketMq.committedOffsets(name + "-group", name).values()).containsOnly(300L);
    }

    @Test
    void readsAQueueAddedWhileRunning() throws Exception {
        String name = "growing";
        rocketMq.createTopic(name, 2);
        StreamExecutionEnvironment env = environment(new Configuration(), 2);
        collectingPipeline(env, source(name, name + "-group", StartingOffsets.earliest()), name);
        JobClient job = env.executeAsync(name);
        try {
            List<String> before = sendToAllQueues(name, "before", 2, 5);
            await("messages of the first two queues", () -> received(name).containsAll(before));

            rocketMq.updateTopicQueues(name, 3);
            List<String> onNewQueue = IntStream.range(0, 5).mapToObj(i -> "new-" + i).toList();
            rocketMq.sendStrings(name, 2, onNewQueue);
            await("messages of the added queue", () -> received(name).containsAll(onNewQueue));
            assertThat(received(name)).hasSize(15);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void startsWhereConfigured() throws Exception {
        String topic = "positions";
        rocketMq.createTopic(topic, 2);
        List<String> old = sendToAllQueues(topic, "old", 2, 10);

        // A first job commits the end of the old messages for this group.
        String committedGroup = "positions-committed";
        StreamExecutionEnvironment first = environment(new Configuration(), 1);
        collectingPipeline(first, source(topic, committedGroup, StartingOffsets.committedOrEarliest()), "first");
        JobClient firstJob = first.executeAsync("positions-first");
        try {
            awaitCommittedOffsets(committedGroup, topic, 10);
        } finally {
            firstJob.cancel().get(30, TimeUnit.SECONDS);
        }
        assertThat(received("first")).containsExactlyInAnyOrderElementsOf(old);

        long timestamp = System.currentTimeMillis() + 1;
        await("the clock passed the old messages", () -> System.currentTimeMillis() > timestamp);

        StreamExecutionEnvironment env = environment(new Configuration(), 1);
        collectingPipeline(env, source(topic, "positions-earliest", StartingOffsets.earliest()), "earliest");
        collectingPipeline(env, source(topic, "positions-latest", StartingOffsets.latest()), "latest");
        collectingPipeline(env, source(topic, "positions-ts", StartingOffsets.timestamp(timestamp)), "timestamp");
        collectingPipeline(env, source(topic, committedGroup, StartingOffsets.committedOrEarliest()),
                "committed-or-earliest");
        collectingPipeline(env, source(topic, "positions-new", StartingOffsets.committedOrLatest()),
                "committed-or-latest");
        List<String> names = List.of("earliest", "latest", "timestamp", "committed-or-earliest", "committed-or-latest");
        JobClient job = env.executeAsync("positions");
        try {
            // Sends new messages until every source reads some, so all have resolved their start.
            List<String> probes = new ArrayList<>();
            await("every source reading new messages", () -> {
                probes.addAll(sendToAllQueues(topic, "probe" + probes.size(), 2, 1));
                return names.stream().allMatch(n -> received(n).stream().anyMatch(b -> b.startsWith("probe")));
            });
            List<String> fresh = sendToAllQueues(topic, "fresh", 2, 10);
            await("every source reading the fresh messages",
                    () -> names.stream().allMatch(n -> received(n).containsAll(fresh)));

            assertThat(received("earliest")).containsAll(old).containsAll(probes).hasSize(old.size() + probes.size() + 20);
            assertThat(received("timestamp")).containsExactlyInAnyOrderElementsOf(concat(probes, fresh));
            assertThat(received("committed-or-earliest")).containsExactlyInAnyOrderElementsOf(concat(probes, fresh));
            assertThat(received("latest")).doesNotContainAnyElementsOf(old).containsAll(fresh);
            assertThat(received("committed-or-latest")).doesNotContainAnyElementsOf(old).containsAll(fresh);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Parallelism 2 on a one-queue topic: one reader owns no queue. Event-time timers downstream
     * (which read from both readers) must still fire, so that reader must not hold the watermark.
     */
    @Test
    void aReaderWithoutQueuesDoesNotHoldBackWatermarks() throws Exception {
        String name = "idle-reader";
        rocketMq.createTopic(name, 1);
        StreamExecutionEnvironment env = environment(new Configuration(), 2);
        WatermarkStrategy<String> bodyIsEventTime = WatermarkStrategy.<String>forMonotonousTimestamps()
                .withTimestampAssigner((body, storeTime) -> Long.parseLong(body));
        env.fromSource(source(name, name + "-group", StartingOffsets.earliest()), bodyIsEventTime, name)
                .keyBy(body -> "all")
                .process(new TimerAtEventTime(name))
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync(name);
        try {
            rocketMq.sendStrings(name, 0, List.of("1000", "2000", "3000"));
            await("timers fired by the watermark", () -> FIRED_TIMERS.getOrDefault(name, List.of()).contains(2000L));
            assertThat(FIRED_TIMERS.get(name)).startsWith(1000L, 2000L);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static RocketMqSource<String> source(String topic, String group, StartingOffsets startingOffsets) {
        return RocketMqSource.<String>builder()
                .setNameServerAddress(rocketMq.nameServerAddress())
                .setTopic(topic)
                .setConsumerGroup(group)
                .setStartingOffsets(startingOffsets)
                .setQueueDiscoveryInterval(Duration.ofMillis(300))
                .setDeserializer(new Utf8BodyDeserializationSchema())
                .build();
    }

    private static StreamExecutionEnvironment environment(Configuration config, int parallelism) {
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        env.setMaxParallelism(12);
        env.enableCheckpointing(300);
        return env;
    }

    private static void countingPipeline(StreamExecutionEnvironment env, RocketMqSource<String> source, String name) {
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "rocketmq-" + name).uid("rocketmq-source")
                .keyBy(body -> body)
                .process(new CountInState(name)).uid("count")
                .sinkTo(new DiscardingSink<>());
    }

    private static void collectingPipeline(StreamExecutionEnvironment env, RocketMqSource<String> source, String name) {
        DataStream<String> stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "rocketmq-" + name);
        stream.map(new Collect(name)).sinkTo(new DiscardingSink<>());
    }

    /** Sends {@code perQueue} messages "prefix-queue-i" to each of the first {@code queues} queues. */
    private static List<String> sendToAllQueues(String topic, String prefix, int queues, int perQueue) {
        List<String> all = new ArrayList<>();
        for (int queue = 0; queue < queues; queue++) {
            int q = queue;
            List<String> bodies = IntStream.range(0, perQueue).mapToObj(i -> prefix + "-" + q + "-" + i).toList();
            rocketMq.sendStrings(topic, queue, bodies);
            all.addAll(bodies);
        }
        return all;
    }

    private static void awaitCommittedOffsets(String group, String topic, long expectedPerQueue) {
        List<MessageQueue> queues = rocketMq.messageQueues(topic);
        Map<MessageQueue, Long> expected = new HashMap<>();
        queues.forEach(q -> expected.put(q, expectedPerQueue));
        await("offsets " + expectedPerQueue + " committed for " + group,
                () -> rocketMq.committedOffsets(group, topic).equals(expected));
    }

    static Set<String> received(String name) {
        return RECEIVED.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
    }

    private static int checkpoints(String name) {
        return COMPLETED_CHECKPOINTS.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what + "; received so far: "
                        + RECEIVED.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted", e);
            }
        }
    }

    /** Counts each body in keyed state; a count above one means the body was read into state twice. */
    static final class CountInState extends KeyedProcessFunction<String, String, String> implements CheckpointListener {
        private final String name;
        private transient ValueState<Integer> count;

        CountInState(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
        }

        @Override
        public void processElement(String body, Context ctx, Collector<String> out) throws Exception {
            if (FAILURE_ARMED.remove(name)) {
                throw new IllegalStateException("Injected failure (test)");
            }
            Integer seen = count.value();
            int now = seen == null ? 1 : seen + 1;
            count.update(now);
            if (now == 1) {
                received(name).add(body);
            } else {
                DUPLICATES.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(body);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }
    }

    static final class Collect implements MapFunction<String, String> {
        private final String name;

        Collect(String name) {
            this.name = name;
        }

        @Override
        public String map(String body) {
            received(name).add(body);
            return body;
        }
    }

    static final class TimerAtEventTime extends KeyedProcessFunction<String, String, String> {
        private final String name;

        TimerAtEventTime(String name) {
            this.name = name;
        }

        @Override
        public void processElement(String body, Context ctx, Collector<String> out) {
            ctx.timerService().registerEventTimeTimer(Long.parseLong(body));
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            FIRED_TIMERS.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(timestamp);
        }
    }

}
