package io.ordertimeout.time;

import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that keep moving when a queue is caught up and quiet
 * (DESIGN.md §4).
 *
 * <p>Flink's own {@code withIdleness} only marks an idle split as idle: that stops it from holding
 * back other splits, but when every split is quiet the watermark stops and pending orders are never
 * closed. Here a quiet split's watermark follows the wall clock, but only as far as the split is
 * known to be caught up: the source sends a heartbeat ({@link OrderMessage#caughtUp}) in line
 * with the split's records whenever the split has emitted every message the broker held at wall
 * time F. Once the split has had no event for the idle timeout, its watermark is F − bound for
 * the newest such F. A split that is back-pressured or behind sends no heartbeat (its unread
 * messages come first), so its watermark moves only with the events it has read: the time a
 * record waits in the source never counts as quiet.
 *
 * <p>With heartbeats every half second or so, an order is closed within idle timeout + bound + 1 s
 * of its deadline even if no further event ever arrives, and a quiet split lags the wall clock by
 * that little, so it does not hold back busy ones. A source without heartbeats gets plain bounded
 * out-of-orderness watermarks.
 *
 * <p>An event never moves the watermark beyond its broker store time, when known: a producer clock
 * ahead of the broker must not close orders early. Dead letters carry no trustworthy event time
 * and neither move the watermark nor count as events.
 */
public class LivenessWatermarkGenerator implements WatermarkGenerator<OrderMessage> {

    private final long boundMillis;
    private final long idleTimeoutMillis;
    private final WallClock clock;
    private final boolean emitOnEvent;

    private long maxEventTime = Long.MIN_VALUE;
    private long lastEventWallTime;
    private long caughtUpAsOf = Long.MIN_VALUE;
    private long lastEmitted = Long.MIN_VALUE;

    /**
     * @param emitOnEvent emit after every event instead of only periodically; makes the watermark
     *     a pure function of the input order, which deterministic tests need.
     */
    public LivenessWatermarkGenerator(long boundMillis, long idleTimeoutMillis, WallClock clock, boolean emitOnEvent) {
        this.boundMillis = boundMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.clock = clock;
        this.emitOnEvent = emitOnEvent;
        this.lastEventWallTime = clock.millis();
    }

    @Override
    public void onEvent(OrderMessage message, long eventTimestamp, WatermarkOutput output) {
        if (message.isHeartbeat()) {
            caughtUpAsOf = Math.max(caughtUpAsOf, message.caughtUpAsOf);
            return;
        }
        if (!message.isValid()) {
            return;
        }
        long eventTime = message.brokerStoreTime > 0 ? Math.min(eventTimestamp, message.brokerStoreTime) : eventTimestamp;
        maxEventTime = Math.max(maxEventTime, eventTime);
        lastEventWallTime = clock.millis();
        if (emitOnEvent) {
            emit(output, maxEventTime - boundMillis - 1);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.millis();
        long watermark = maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - boundMillis - 1;
        if (caughtUpAsOf != Long.MIN_VALUE && now - lastEventWallTime >= idleTimeoutMillis) {
            watermark = Math.max(watermark, Math.min(caughtUpAsOf, now) - boundMillis);
        }
        emit(output, watermark);
    }

    private void emit(WatermarkOutput output, long watermark) {
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
