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

import io.ordertimeout.connector.rocketmq.source.enumerator.ForgetReleasedQueues;
import io.ordertimeout.connector.rocketmq.source.enumerator.QueuesReleased;
import io.ordertimeout.connector.rocketmq.source.enumerator.ReleaseQueues;
import io.ordertimeout.connector.rocketmq.source.enumerator.RocketMqSourceEnumerator;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
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
     * A topic shrinks from four queues to two (as when a broker's queues are decommissioned) and
     * grows back. The removed queues are released by their readers, the job reads on, and when
     * they come back they resume where they were released: nothing is read twice (a naive
     * re-assignment would start them at their earliest offset) and nothing is lost.
     */
    @Test
    void releasesQueuesRemovedFromTheTopicAndResumesThemWhereTheyStoppedWhenTheyComeBack() throws Exception {
        String name = "shrinking";
        rocketMq.createTopic(name, 4);
        List<String> before = sendToAllQueues(name, "before", 4, 20);
        StreamExecutionEnvironment env = environment(new Configuration(), 2);
        RocketMqSource<String> source = sourceBuilder(name, name + "-group", StartingOffsets.earliest())
                .setRemovedQueueGracePeriod(Duration.ZERO)
                .build();
        countingPipeline(env, source, name);
        try (CapturedLogLines enumeratorLog = new CapturedLogLines(RocketMqSourceEnumerator.class)) {
            JobClient job = env.executeAsync(name);
            try {
                await("messages of all four queues", () -> received(name).containsAll(before));

                rocketMq.updateTopicQueues(name, 2);
                String broker = name + "/" + EmbeddedRocketMq.BROKER_NAME;
                await("queues 2 and 3 released at offset 20",
                        () -> enumeratorLog.anyLineContains(" released ", broker + "/2 @ 20")
                                && enumeratorLog.anyLineContains(" released ", broker + "/3 @ 20"));
                List<String> whileShrunk = sendToAllQueues(name, "shrunk", 2, 5);
                await("messages of the remaining queues", () -> received(name).containsAll(whileShrunk));

                rocketMq.updateTopicQueues(name, 4);
                List<String> afterReturn = new ArrayList<>();
                for (int queue = 2; queue < 4; queue++) {
                    int q = queue;
                    List<String> bodies = IntStream.range(0, 5).mapToObj(i -> "back-" + q + "-" + i).toList();
                    rocketMq.sendStrings(name, queue, bodies);
                    afterReturn.addAll(bodies);
                }
                await("messages of the returned queues", () -> received(name).containsAll(afterReturn));

                assertThat(received(name)).hasSize(80 + 10 + 10);
                assertThat(DUPLICATES.getOrDefault(name, List.of())).as("nothing read twice").isEmpty();
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
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

    /**
     * A reader told to release a queue (as the enumerator does for a queue gone from the route),
     * built by the source as a job builds it. The queue has a backlog: afterwards none of it is
     * read, its offset is reported, its lag no longer counts, and its split stays in checkpoints
     * until the enumerator confirms.
     */
    @Test
    void aReaderReleasingAQueueStopsReadingItReportsItsOffsetAndDropsItsLag() throws Exception {
        String topic = "release-reader";
        MessageQueue kept = new MessageQueue(topic, EmbeddedRocketMq.BROKER_NAME, 0);
        MessageQueue released = new MessageQueue(topic, EmbeddedRocketMq.BROKER_NAME, 1);
        rocketMq.createTopic(topic, 2);
        rocketMq.sendStrings(topic, released.getQueueId(), bodies("backlog", 50));
        GaugeRecordingGroup metrics = new GaugeRecordingGroup("");
        TestingReaderContext context = new TestingReaderContext(new Configuration(),
                InternalSourceReaderMetricGroup.mock(metrics));
        // One message per pull and at most one fetched ahead, so the backlog is read slowly.
        RocketMqSource<String> source = sourceBuilder(topic, topic + "-group", StartingOffsets.earliest())
                .setPollBatchSize(1)
                .setPrefetchLimitsPerQueue(1, 1)
                .build();
        SourceReader<String, RocketMqSplit> reader = source.createReader(context);
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        String lagGauge = "rocketmq.topic." + topic + ".broker." + EmbeddedRocketMq.BROKER_NAME + ".queue.1.lag";
        try {
            reader.start();
            reader.addSplits(List.of(new RocketMqSplit(kept, 0), new RocketMqSplit(released, 0)));
            pollUntil(reader, output, "part of the backlog read and its lag known",
                    () -> !output.getEmittedRecords().isEmpty() && (Long) metrics.value("pendingRecords") > 0);
            assertThat((Long) metrics.value(lagGauge)).isPositive();

            reader.handleSourceEvents(new ReleaseQueues(List.of(released)));
            pollUntil(reader, output, "the release reported", () -> !context.getSentEvents().isEmpty());

            int emitted = output.getEmittedRecords().size();
            assertThat(emitted).as("the backlog was not read to its end").isLessThan(50);
            RocketMqSplit releasedSplit = new RocketMqSplit(released, emitted).asReleased();
            assertThat(context.getSentEvents()).singleElement().isInstanceOfSatisfying(QueuesReleased.class,
                    e -> assertThat(e.splits()).as("at the offset after its last emitted message")
                            .containsExactly(releasedSplit));
            assertThat(metrics.value(lagGauge)).as("its lag no longer counts").isEqualTo(0L);
            assertThat(metrics.value("pendingRecords")).isEqualTo(0L);
            assertThat(reader.snapshotState(1)).as("kept in checkpoints until the enumerator confirms")
                    .containsExactlyInAnyOrder(new RocketMqSplit(kept, 0), releasedSplit);

            List<String> keptMessages = bodies("kept", 3);
            rocketMq.sendStrings(topic, kept.getQueueId(), keptMessages);
            pollUntil(reader, output, "the kept queue's messages",
                    () -> output.getEmittedRecords().containsAll(keptMessages));
            pollFor(reader, output, Duration.ofMillis(500));
            assertThat(output.getEmittedRecords()).as("nothing more of the released queue's backlog")
                    .hasSize(emitted + keptMessages.size());

            reader.handleSourceEvents(new ForgetReleasedQueues(List.of(released)));
            assertThat(reader.snapshotState(2)).containsExactly(new RocketMqSplit(kept, 3));
        } finally {
            reader.close();
        }
    }

    /** A checkpoint taken before the enumerator confirmed holds the released split: restored, it is only reported. */
    @Test
    void aReleasedSplitRestoredFromACheckpointIsReportedAgainAndNeverRead() throws Exception {
        String restoredTopic = "release-restored";
        rocketMq.createTopic(restoredTopic, 1);
        rocketMq.sendStrings(restoredTopic, 0, bodies("m", 3));
        TestingReaderContext context = new TestingReaderContext();
        SourceReader<String, RocketMqSplit> reader =
                source(restoredTopic, restoredTopic + "-group", StartingOffsets.earliest()).createReader(context);
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        RocketMqSplit releasedSplit =
                new RocketMqSplit(new MessageQueue(restoredTopic, EmbeddedRocketMq.BROKER_NAME, 0), 1).asReleased();
        try {
            reader.addSplits(List.of(releasedSplit));
            reader.start();

            assertThat(context.getSentEvents()).singleElement().isInstanceOfSatisfying(QueuesReleased.class,
                    e -> assertThat(e.splits()).containsExactly(releasedSplit));
            pollFor(reader, output, Duration.ofMillis(500));
            assertThat(output.getEmittedRecords()).isEmpty();
            assertThat(reader.snapshotState(1)).containsExactly(releasedSplit);
        } finally {
            reader.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static List<String> bodies(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static void pollUntil(SourceReader<String, RocketMqSplit> reader, TestingReaderOutput<String> output,
            String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            reader.pollNext(output);
            Thread.sleep(5);
        }
    }

    private static void pollFor(SourceReader<String, RocketMqSplit> reader, TestingReaderOutput<String> output,
            Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            reader.pollNext(output);
            Thread.sleep(5);
        }
    }

    /** Keeps the gauges registered on it and its subgroups under their dotted names. */
    private static final class GaugeRecordingGroup extends UnregisteredMetricsGroup {

        private final String prefix;
        private final Map<String, Gauge<?>> gauges;

        GaugeRecordingGroup(String prefix) {
            this(prefix, new ConcurrentHashMap<>());
        }

        private GaugeRecordingGroup(String prefix, Map<String, Gauge<?>> gauges) {
            this.prefix = prefix;
            this.gauges = gauges;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(prefix + name, gauge);
            return gauge;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new GaugeRecordingGroup(prefix + name + ".", gauges);
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new GaugeRecordingGroup(prefix + key + "." + value + ".", gauges);
        }

        Object value(String name) {
            Gauge<?> gauge = gauges.get(name);
            assertThat(gauge).as("gauge %s registered; have %s", name, gauges.keySet()).isNotNull();
            return gauge.getValue();
        }
    }


    private static RocketMqSource<String> source(String topic, String group, StartingOffsets startingOffsets) {
        return sourceBuilder(topic, group, startingOffsets).build();
    }

    private static RocketMqSourceBuilder<String> sourceBuilder(String topic, String group,
            StartingOffsets startingOffsets) {
        return RocketMqSource.<String>builder()
                .setNameServerAddress(rocketMq.nameServerAddress())
                .setTopic(topic)
                .setConsumerGroup(group)
                .setStartingOffsets(startingOffsets)
                .setQueueDiscoveryInterval(Duration.ofMillis(300))
                .setDeserializer(new Utf8BodyDeserializationSchema());
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
