package io.ordertimeout.time;

import io.ordertimeout.event.OrderMessage;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The job's watermark strategy: event time from the payload, per-split liveness watermarks that
 * follow the wall clock only for caught-up quiet splits (see {@link LivenessWatermarkGenerator}).
 */
public final class OrderWatermarks {

    private OrderWatermarks() {}

    public static WatermarkStrategy<OrderMessage> strategy(Duration outOfOrderness, Duration idleTimeout, WallClock clock) {
        return create(outOfOrderness, idleTimeout, clock, false);
    }

    /** Emits a watermark after every event: for deterministic tests only. */
    public static WatermarkStrategy<OrderMessage> perEventStrategy(Duration outOfOrderness, Duration idleTimeout, WallClock clock) {
        return create(outOfOrderness, idleTimeout, clock, true);
    }

    private static WatermarkStrategy<OrderMessage> create(
            Duration outOfOrderness, Duration idleTimeout, WallClock clock, boolean emitOnEvent) {
        long bound = outOfOrderness.toMillis();
        long idle = idleTimeout.toMillis();
        return WatermarkStrategy.<OrderMessage>forGenerator(
                        context -> new LivenessWatermarkGenerator(bound, idle, clock, emitOnEvent))
                // Dead letters and heartbeats keep the record timestamp the source gave them.
                .withTimestampAssigner((message, recordTimestamp) ->
                        message.isValid() ? message.event.occurredAt : recordTimestamp);
    }
}
