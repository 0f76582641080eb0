package io.ordertimeout.bench;

import java.time.Duration;

/**
 * The deadline storm of one benchmark size: how many orders are created within one second, their
 * payment window (long enough for the harness to write the rows, publish the events and the timer
 * messages and record the payments before the first deadline), the job's checkpoint interval during
 * the storm (short, so that checkpoints overlap the firing timers; 10 s at 1 M orders, so that
 * checkpointing a million pending orders every second does not slow reading the burst), and how long to wait for the
 * last close after the deadline before the run counts as failed.
 */
record StormSize(int orders, Duration payWindow, Duration checkpointInterval, Duration closeWait) {

    /** Every tenth order is never paid. */
    static boolean unpaid(int order) {
        return order % 10 == 0;
    }

    int unpaidOrders() {
        return (orders + 9) / 10;
    }
}
