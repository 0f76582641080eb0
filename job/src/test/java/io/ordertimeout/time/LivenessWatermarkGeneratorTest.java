package io.ordertimeout.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderMessage;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkOutputMultiplexer;
import org.junit.jupiter.api.Test;

/**
 * The liveness rules of DESIGN.md §4 on the watermark generator, with a manual wall clock. A
 * heartbeat ({@link OrderMessage#caughtUp}) is what the source sends when the split has emitted
 * everything the broker held at that wall time.
 */
class LivenessWatermarkGeneratorTest {

    private static final long BOUND = 5_000;
    private static final long IDLE = 10_000;
    private static final long START = 1_000_000_000L;

    static volatile long now = START;

    private final RecordingOutput output = new RecordingOutput();

    private static LivenessWatermarkGenerator generator() {
        return new LivenessWatermarkGenerator(BOUND, IDLE, () -> now, false);
    }

    private static OrderMessage event(long eventTime) {
        return OrderMessage.valid(OrderEvent.created("o-" + eventTime, eventTime));
    }

    private void caughtUp(LivenessWatermarkGenerator generator, long asOf) {
        generator.onEvent(OrderMessage.caughtUp(asOf), asOf, output);
    }

    @Test
    void busySplitEmitsBoundedOutOfOrdernessWatermarks() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        generator.onEvent(event(START + 3_000), START + 3_000, output);
        generator.onEvent(event(START + 1_000), START + 1_000, output);
        generator.onPeriodicEmit(output);

        assertThat(output.last()).isEqualTo(START + 3_000 - BOUND - 1);
    }

    @Test
    void caughtUpQuietSplitFollowsTheWallClockAfterTheIdleTimeout() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);

        now = START + IDLE - 1;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START - BOUND - 1);

        now = START + IDLE;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START + IDLE - BOUND);

        now = START + IDLE + 60_000;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START + IDLE + 60_000 - BOUND);
    }

    /**
     * Back-pressured or behind: records wait unread in the source, so no heartbeat comes, however
     * long the split goes without emitting. The watermark stays with the events read.
     */
    @Test
    void splitWithoutHeartbeatNeverFollowsTheWallClock() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        for (now = START; now <= START + 10 * IDLE; now += 200) {
            generator.onPeriodicEmit(output);
        }
        assertThat(output.watermarks).containsExactly(START - BOUND - 1);
    }

    /** A heartbeat says "caught up as of F", not "as of now": the watermark goes to F - bound, no further. */
    @Test
    void quietSplitFollowsOnlyAsFarAsItsLastHeartbeat() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        now = START + 2 * IDLE;
        caughtUp(generator, START + IDLE);
        now = START + 30 * IDLE; // then back-pressured: no further heartbeat
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START + IDLE - BOUND);
    }

    /** A heartbeat counts only once the split has also gone the idle timeout without an event. */
    @Test
    void heartbeatDoesNotCountBeforeTheIdleTimeout() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        now = START + IDLE - 1;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START - BOUND - 1);
    }

    /** A heartbeat from a clock ahead of this one still never takes the watermark past now - bound. */
    @Test
    void heartbeatNeverTakesTheWatermarkPastTheWallClock() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        now = START + IDLE;
        caughtUp(generator, now + 60_000);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START + IDLE - BOUND);
    }

    /** A producer clock ahead of the broker: the event counts no later than its broker store time. */
    @Test
    void eventNeverMovesTheWatermarkBeyondItsBrokerStoreTime() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        OrderMessage ahead = event(START + 3_600_000);
        ahead.brokerStoreTime = START;
        generator.onEvent(ahead, START + 3_600_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START - BOUND - 1);
    }

    @Test
    void orderDeadlineIsPassedWithinIdleTimeoutPlusBoundOfTheDeadline() {
        long timeout = 30_000;
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        long deadline = START + timeout;

        long closedAt = -1;
        for (now = START; now <= deadline + IDLE + BOUND + 1_000; now += 200) {
            if ((now - START) % 600 == 0) {
                caughtUp(generator, now); // the source's end probes, every 600 ms
            }
            generator.onPeriodicEmit(output);
            if (output.last() >= deadline) {
                closedAt = now;
                break;
            }
        }
        assertThat(closedAt).isBetween(deadline, deadline + IDLE + BOUND + 1_000);
    }

    @Test
    void caughtUpSplitThatNeverSawAnEventEmitsNothingUntilIdleThenFollowsTheClock() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).isEmpty();

        now = START + IDLE;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START + IDLE - BOUND);
    }

    @Test
    void deadLettersAndHeartbeatsDoNotMoveTheWatermarkByThemselvesNorCountAsActivity() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        generator.onEvent(event(START), START, output);
        now = START + IDLE / 2;
        OrderMessage deadLetter = OrderMessage.invalid(new DeadLetter(new byte[] {1}, "t/b/0/1", "bad", now));
        generator.onEvent(deadLetter, START + 999_999, output);
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).isEqualTo(START - BOUND - 1);

        now = START + IDLE;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        assertThat(output.last()).as("idle counted from the last valid event").isEqualTo(START + IDLE - BOUND);
    }

    @Test
    void watermarkNeverGoesBackWhenALateEventArrivesAfterIdling() {
        now = START;
        LivenessWatermarkGenerator generator = generator();
        now = START + IDLE;
        caughtUp(generator, now);
        generator.onPeriodicEmit(output);
        long followed = output.last();

        generator.onEvent(event(START - 60_000), START - 60_000, output);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).isSorted();
        assertThat(output.last()).isEqualTo(followed);
    }

    @Test
    void perEventModeEmitsAfterEveryEvent() {
        now = START;
        LivenessWatermarkGenerator generator = new LivenessWatermarkGenerator(BOUND, IDLE, () -> now, true);
        generator.onEvent(event(START), START, output);
        generator.onEvent(event(START + 10), START + 10, output);
        assertThat(output.watermarks).containsExactly(START - BOUND - 1, START + 10 - BOUND - 1);
    }

    /**
     * Per-split watermarks are combined by Flink's {@link WatermarkOutputMultiplexer} (as in the
     * source operator): a quiet split must not hold back a busy one.
     */
    @Test
    void idleSplitDoesNotHoldBackABusyOne() {
        now = START;
        RecordingOutput combined = new RecordingOutput();
        WatermarkOutputMultiplexer multiplexer = new WatermarkOutputMultiplexer(combined);
        multiplexer.registerNewOutput("busy");
        multiplexer.registerNewOutput("quiet");
        LivenessWatermarkGenerator busy = generator();
        LivenessWatermarkGenerator quiet = generator();

        long eventTime = START - 120_000; // the busy split works through a backlog
        for (int step = 0; step < 100; step++) {
            now += 200;
            eventTime += 1_000;
            busy.onEvent(event(eventTime), eventTime, multiplexer.getImmediateOutput("busy"));
            busy.onPeriodicEmit(multiplexer.getDeferredOutput("busy"));
            quiet.onEvent(OrderMessage.caughtUp(now), now, multiplexer.getImmediateOutput("quiet"));
            quiet.onPeriodicEmit(multiplexer.getDeferredOutput("quiet"));
            multiplexer.onPeriodicEmit();
        }

        assertThat(combined.last()).isEqualTo(eventTime - BOUND - 1);
    }

    private static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        long last() {
            assertThat(watermarks).as("watermarks emitted").isNotEmpty();
            return watermarks.get(watermarks.size() - 1);
        }
    }
}
