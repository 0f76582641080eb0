package io.ordertimeout.time;

import io.ordertimeout.event.OrderMessage;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that keep moving when a queue goes quiet (DESIGN.md §4).
 *
 * <p>Flink's own {@code withIdleness} only marks an idle split as idle: that stops it from holding
 * back other splits, but when every split is quiet the watermark stops and pending orders are never
 * closed. Here, once a split has seen no event for the idle timeout, its watermark follows the
 * wall clock ({@code now - bound}), so an order is closed within idle timeout + bound (+ the
 * periodic emit interval) of its deadline even if no further event ever arrives. A split that never
 * saw an event follows the wall clock after the idle timeout as well, so it cannot hold back busy
 * ones. Dead letters carry no trustworthy event time and do not move the watermark.
 */
public class LivenessWatermarkGenerator implements WatermarkGenerator<OrderMessage> {

    private final long boundMillis;
    private final long idleTimeoutMillis;
    private final WallClock clock;
    private final boolean emitOnEvent;

    private long maxEventTime = Long.MIN_VALUE;
    private long lastEventWallTime;
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
        if (!message.isValid()) {
            return;
        }
        maxEventTime = Math.max(maxEventTime, eventTimestamp);
        lastEventWallTime = clock.millis();
        if (emitOnEvent) {
            emit(output, maxEventTime - boundMillis - 1);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.millis();
        long watermark = maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTime - boundMillis - 1;
        if (now - lastEventWallTime >= idleTimeoutMillis) {
            watermark = Math.max(watermark, now - boundMillis);
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
