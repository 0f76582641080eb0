package io.ordertimeout.connector.rocketmq.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The enumerator's handling of queues that leave the topic's route, against a scripted route and a
 * manual clock: a queue missing for less than the grace period is kept, one missing longer is
 * released by whichever reader holds it, its offset is remembered (also across a restore), and a
 * queue that comes back resumes there instead of at its earliest offset.
 */
class RocketMqSourceEnumeratorRemovedQueuesTest {

    private static final String TOPIC = "orders";
    private static final long GRACE_MILLIS = Duration.ofMinutes(5).toMillis();
    private static final int PARALLELISM = 2;
    private static final List<MessageQueue> FOUR_QUEUES =
            IntStream.range(0, 4).mapToObj(i -> new MessageQueue(TOPIC, "broker-a", i)).toList();
    private static final MessageQueue REMOVED = FOUR_QUEUES.get(3);

    private final ScriptedRoute route = new ScriptedRoute();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Test
    void aQueueMissingForLessThanTheGracePeriodIsKept() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);

        route.queues = FOUR_QUEUES.subList(0, 3);
        discover(context);
        assertThat(enumerator.snapshotState(1).missingSinceMillis()).containsOnlyKeys(REMOVED);
        clock.addAndGet(GRACE_MILLIS - 1);
        discover(context);
        assertThat(releaseRequests(context)).isEmpty();

        route.queues = FOUR_QUEUES;
        discover(context);
        clock.addAndGet(GRACE_MILLIS);
        discover(context);

        assertThat(releaseRequests(context)).as("a broker restart's short absence releases nothing").isEmpty();
        RocketMqEnumeratorState state = enumerator.snapshotState(2);
        assertThat(state.missingSinceMillis()).isEmpty();
        assertThat(state.assignedQueues()).containsExactlyInAnyOrderElementsOf(FOUR_QUEUES);
    }

    @Test
    void aQueueMissingForTheGracePeriodIsReleasedAndItsOffsetRemembered() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);

        route.queues = FOUR_QUEUES.subList(0, 3);
        discover(context);
        clock.addAndGet(GRACE_MILLIS);
        discover(context);

        // Asked of every reader: after a rescaled restore any of them may hold the split.
        for (int reader = 0; reader < PARALLELISM; reader++) {
            assertThat(releaseRequestsTo(context, reader)).as("reader %d", reader)
                    .containsExactly(new ReleaseQueues(List.of(REMOVED)).queues());
        }
        discover(context);
        assertThat(releaseRequestsTo(context, 0)).as("repeated until answered").hasSize(2);

        int holder = QueueOwnership.ownerOf(REMOVED, PARALLELISM);
        enumerator.handleSourceEvent(holder, new QueuesReleased(List.of(new RocketMqSplit(REMOVED, 4_711).asReleased())));

        assertThat(eventsTo(context, holder)).last().isInstanceOfSatisfying(ForgetReleasedQueues.class,
                forget -> assertThat(forget.queues()).containsExactly(REMOVED));
        RocketMqEnumeratorState state = enumerator.snapshotState(1);
        assertThat(state.assignedQueues()).doesNotContain(REMOVED);
        assertThat(state.missingSinceMillis()).isEmpty();
        assertThat(state.removedSplits()).containsExactly(new RocketMqSplit(REMOVED, 4_711));
        discover(context);
        assertThat(releaseRequestsTo(context, 0)).as("no more requests once released").hasSize(2);
    }

    @Test
    void aReleasedQueueThatComesBackResumesAtItsReleasedOffset() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);
        int owner = QueueOwnership.ownerOf(REMOVED, PARALLELISM);
        releaseAt(enumerator, context, 4_711);

        route.queues = FOUR_QUEUES;
        discover(context);

        assertThat(context.getSplitAssignments().get(owner).getAssignedSplits()).as("not at its earliest offset (0)")
                .containsOnlyOnce(new RocketMqSplit(REMOVED, 4_711));
        RocketMqEnumeratorState state = enumerator.snapshotState(1);
        assertThat(state.removedSplits()).isEmpty();
        assertThat(state.assignedQueues()).contains(REMOVED);
    }

    @Test
    void theGracePeriodRunsOnAcrossARestore() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);
        route.queues = FOUR_QUEUES.subList(0, 3);
        discover(context);
        clock.addAndGet(GRACE_MILLIS - 1_000);
        RocketMqEnumeratorState checkpoint = viaSerializer(enumerator.snapshotState(1));
        enumerator.close();

        TestingSplitEnumeratorContext<RocketMqSplit> restoredContext = contextWithReaders();
        RocketMqSourceEnumerator restored = startedEnumerator(restoredContext, checkpoint);
        discover(restoredContext);
        assertThat(releaseRequests(restoredContext)).isEmpty();
        clock.addAndGet(1_000);
        discover(restoredContext);

        assertThat(releaseRequestsTo(restoredContext, 0)).containsExactly(List.of(REMOVED));
        restored.close();
    }

    @Test
    void aRemovedSplitSurvivesARestoreAndResumesAtItsOffsetWhenItsQueueComesBack() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);
        releaseAt(enumerator, context, 99);
        RocketMqEnumeratorState checkpoint = viaSerializer(enumerator.snapshotState(1));
        enumerator.close();
        assertThat(checkpoint.removedSplits()).containsExactly(new RocketMqSplit(REMOVED, 99));

        TestingSplitEnumeratorContext<RocketMqSplit> restoredContext = contextWithReaders();
        RocketMqSourceEnumerator restored = startedEnumerator(restoredContext, checkpoint);
        discover(restoredContext);
        assertThat(restoredContext.getSplitAssignments().values().stream()
                .flatMap(a -> a.getAssignedSplits().stream())).as("still removed: nothing assigned").isEmpty();

        route.queues = FOUR_QUEUES;
        discover(restoredContext);

        int owner = QueueOwnership.ownerOf(REMOVED, PARALLELISM);
        assertThat(restoredContext.getSplitAssignments().get(owner).getAssignedSplits())
                .containsExactly(new RocketMqSplit(REMOVED, 99));
        restored.close();
    }

    @Test
    void aReaderThatRegistersAgainIsAskedToReleaseTheRemovedQueues() throws Exception {
        TestingSplitEnumeratorContext<RocketMqSplit> context = contextWithReaders();
        RocketMqSourceEnumerator enumerator = startedEnumerator(context, null);
        releaseAt(enumerator, context, 7);
        int before = releaseRequestsTo(context, 1).size();

        // Partial failover: the reader restored a checkpoint from before it released the queue.
        enumerator.addReader(1);

        List<List<MessageQueue>> requests = releaseRequestsTo(context, 1);
        assertThat(requests).hasSize(before + 1);
        assertThat(requests.get(requests.size() - 1)).containsExactly(REMOVED);
        enumerator.handleSourceEvent(1, new QueuesReleased(List.of(new RocketMqSplit(REMOVED, 5).asReleased())));
        assertThat(enumerator.snapshotState(1).removedSplits()).as("where the restored reader really was")
                .containsExactly(new RocketMqSplit(REMOVED, 5));
    }

    // ---------------------------------------------------------------------------------------------

    /** Reads four queues, then removes the last one from the route until the readers released it at {@code offset}. */
    private void releaseAt(RocketMqSourceEnumerator enumerator, TestingSplitEnumeratorContext<RocketMqSplit> context,
            long offset) {
        route.queues = FOUR_QUEUES.subList(0, 3);
        discover(context);
        clock.addAndGet(GRACE_MILLIS);
        discover(context);
        assertThat(releaseRequests(context)).isNotEmpty();
        enumerator.handleSourceEvent(QueueOwnership.ownerOf(REMOVED, PARALLELISM),
                new QueuesReleased(List.of(new RocketMqSplit(REMOVED, offset).asReleased())));
    }

    private RocketMqSourceEnumerator startedEnumerator(TestingSplitEnumeratorContext<RocketMqSplit> context,
            RocketMqEnumeratorState restored) {
        RocketMqSourceEnumerator enumerator = new RocketMqSourceEnumerator(context, settings(), restored,
                s -> route, clock::get);
        enumerator.start();
        for (int reader = 0; reader < PARALLELISM; reader++) {
            enumerator.addReader(reader);
        }
        discover(context);
        if (restored == null) {
            assertThat(enumerator.snapshotState(0).assignedQueues()).containsExactlyInAnyOrderElementsOf(FOUR_QUEUES);
        }
        return enumerator;
    }

    private static TestingSplitEnumeratorContext<RocketMqSplit> contextWithReaders() {
        TestingSplitEnumeratorContext<RocketMqSplit> context = new TestingSplitEnumeratorContext<>(PARALLELISM);
        for (int reader = 0; reader < PARALLELISM; reader++) {
            context.registerReader(reader, "localhost");
        }
        return context;
    }

    /** One discovery round: the periodic discovery and the offset resolution it starts. */
    private static void discover(TestingSplitEnumeratorContext<RocketMqSplit> context) {
        context.triggerAllActions();
    }

    private static RocketMqEnumeratorState viaSerializer(RocketMqEnumeratorState state) throws Exception {
        RocketMqEnumeratorStateSerializer serializer = new RocketMqEnumeratorStateSerializer();
        return SimpleVersionedSerialization.readVersionAndDeSerialize(serializer,
                SimpleVersionedSerialization.writeVersionAndSerialize(serializer, state));
    }

    private static List<SourceEvent> eventsTo(TestingSplitEnumeratorContext<RocketMqSplit> context, int reader) {
        return context.getSentEvents().getOrDefault(reader, List.of());
    }

    private static List<List<MessageQueue>> releaseRequestsTo(TestingSplitEnumeratorContext<RocketMqSplit> context,
            int reader) {
        return eventsTo(context, reader).stream().filter(ReleaseQueues.class::isInstance)
                .map(e -> ((ReleaseQueues) e).queues()).toList();
    }

    private static List<List<MessageQueue>> releaseRequests(TestingSplitEnumeratorContext<RocketMqSplit> context) {
        List<List<MessageQueue>> all = new ArrayList<>();
        for (int reader = 0; reader < PARALLELISM; reader++) {
            all.addAll(releaseRequestsTo(context, reader));
        }
        return all;
    }

    private static RocketMqSourceSettings settings() {
        return RocketMqSource.<String>builder()
                .setNameServerAddress("127.0.0.1:1")
                .setTopic(TOPIC)
                .setConsumerGroup("g")
                .setStartingOffsets(StartingOffsets.earliest())
                .setRemovedQueueGracePeriod(Duration.ofMillis(GRACE_MILLIS))
                .setDeserializer(new Utf8BodyDeserializationSchema())
                .build()
                .settings();
    }

    /** The topic's route as the test sets it; every queue's earliest offset is 0. */
    private static final class ScriptedRoute implements TopicMetadata {

        volatile List<MessageQueue> queues = FOUR_QUEUES;

        @Override
        public List<MessageQueue> queues(String topic) {
            return queues;
        }

        @Override
        public long minOffset(MessageQueue queue) {
            return 0;
        }

        @Override
        public long maxOffset(MessageQueue queue) {
            return 10_000;
        }

        @Override
        public long offsetForTimestamp(MessageQueue queue, long timestampMillis) {
            return 0;
        }

        @Override
        public OptionalLong committedOffset(String consumerGroup, MessageQueue queue) {
            return OptionalLong.empty();
        }

        @Override
        public void close() {}
    }
}
