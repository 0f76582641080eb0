package io.ordertimeout.bench;

import java.time.Duration;

/**
 * The live order stream of one run: rate, how long orders are created, timing of payments, and
 * how many settled orders the table already holds when the run starts ({@link SettledOrders}).
 */
record LiveLoad(double ordersPerSecond, Duration duration, Duration payTimeout, Duration latePaymentDelay,
        double neverPaidFraction, long seed, int settledRows) {
}
