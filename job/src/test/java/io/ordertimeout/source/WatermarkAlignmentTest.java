package io.ordertimeout.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.time.OrderWatermarks;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's watermark alignment (FLIP-182/217) with the job's watermark strategy on the RocketMQ
 * source, against a real broker: during a catch-up, queues whose events are far ahead are paused
 * (the source's {@code pauseOrResumeSplits}) until the queue with the backlog has caught up to
 * within the alignment window, instead of racing ahead and leaving the backlog's events late.
 *
 * <p>Queue 0 holds a backlog of {@value #BACKLOG} events 100 ms apart; queues 1-3 hold
 * {@value #AHEAD_PER_QUEUE} events each that start 3 minutes later and end before the backlog does
 * (once queue 0 is read to its end it is caught up and stops holding the others back). One reader reads all four
 * (split-level alignment). Without pausing, the reader reads the four queues at about the same
 * rate and emits the end of queues 1-3 while queue 0 is about 3 minutes behind. With a 10 s window
 * they are paused once the first watermarks are known; what they read before that (the first
 * fraction of a second of the job) runs ahead, the rest waits for queue 0. Alignment is only as
 * tight as the reading done between two alignment updates (100 ms here), hence the 1 min bound.
 */
class WatermarkAlignmentTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int BACKLOG = 4000;
    private static final int AHEAD_PER_QUEUE = 1500;
    private static final Duration AHEAD_BY = Duration.ofMinutes(3);
    /** Events are this far apart in event time, so that reading them takes about as long as they span. */
    private static final long SPACING_MILLIS = 100;
    private static final Duration MAX_DRIFT = Duration.ofSeconds(10);
    private static final String TOPIC = "alignment";

    private static EmbeddedRocketMq broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedRocketMq.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void queuesFarAheadWaitForTheBackloggedQueueWithinTheAlignmentWindow() throws Exception {
        broker.createTopic(TOPIC, 4);
        long start = System.currentTimeMillis() - Duration.ofHours(3).toMillis();
        broker.sendStrings(TOPIC, 0, events("backlog", start, BACKLOG));
        long aheadStart = start + AHEAD_BY.toMillis();
        for (int queue = 1; queue <= 3; queue++) {
            broker.sendStrings(TOPIC, queue, events("ahead" + queue, aheadStart, AHEAD_PER_QUEUE));
        }

        RocketMqSource<OrderMessage> source = RocketMqSource.<OrderMessage>builder()
                .setNameServerAddress(broker.nameServerAddress())
                .setTopic(TOPIC)
                .setConsumerGroup("alignment-test")
                .setStartingOffsets(StartingOffsets.earliest())
                .setPollBatchSize(16)
                .setPrefetchLimitsPerQueue(16, 1)
                .setDeserializer(new OrderMessageDeserializer(new OrderEventParser(), Duration.ofMinutes(1).toMillis()))
                .build();
        WatermarkStrategy<OrderMessage> watermarks = OrderWatermarks
                .strategy(Duration.ofSeconds(5), Duration.ofSeconds(2), WallClock.system())
                .withWatermarkAlignment("order-events", MAX_DRIFT, Duration.ofMillis(100));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().setAutoWatermarkInterval(50);
        int total = BACKLOG + 3 * AHEAD_PER_QUEUE;
        List<String> emitted = env.fromSource(source, watermarks, "RocketMQ order events")
                .filter(message -> !message.isHeartbeat())
                .map(message -> message.event.orderId + "|" + message.event.occurredAt)
                .executeAndCollect(total);

        assertThat(emitted).hasSize(total);
        assertThat(new HashSet<>(emitted)).as("every event exactly once").hasSize(total);
        long backlogNewest = Long.MIN_VALUE;
        int emittedFarAhead = 0;
        long leadOfLastAheadEvent = Long.MIN_VALUE;
        long lastAheadOccurredAt = aheadStart + (AHEAD_PER_QUEUE - 1) * SPACING_MILLIS;
        for (String record : emitted) {
            long occurredAt = Long.parseLong(record.substring(record.indexOf('|') + 1));
            if (record.startsWith("backlog")) {
                backlogNewest = Math.max(backlogNewest, occurredAt);
                continue;
            }
            if (occurredAt - backlogNewest > 2 * MAX_DRIFT.toMillis()) {
                emittedFarAhead++;
            }
            if (occurredAt == lastAheadOccurredAt) {
                leadOfLastAheadEvent = Math.max(leadOfLastAheadEvent, occurredAt - backlogNewest);
            }
        }
        // Unaligned, the last events of queues 1-3 come out about 3 min ahead of queue 0.
        assertThat(Duration.ofMillis(leadOfLastAheadEvent))
                .as("how far the last events of queues 1-3 were ahead of queue 0 when emitted")
                .isLessThanOrEqualTo(Duration.ofMinutes(1));
        // Unaligned, most of the 4,500 run ahead; aligned, only the start-up burst before the
        // first watermarks are known.
        assertThat(emittedFarAhead).as("events of queues 1-3 emitted more than 20 s ahead of queue 0")
                .isLessThan(3 * AHEAD_PER_QUEUE / 2);
    }

    private static List<String> events(String prefix, long firstOccurredAt, int count) {
        List<String> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + prefix + "-" + i + "\",\"occurredAt\":"
                    + (firstOccurredAt + i * SPACING_MILLIS) + "}");
        }
        return events;
    }
}
