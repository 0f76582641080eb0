package io.ordertimeout.bench;

import java.time.Duration;

/** The live order stream of one run: rate, how long orders are created, timing of payments. */
record LiveLoad(double ordersPerSecond, Duration duration, Duration payTimeout, Duration latePaymentDelay,
        double neverPaidFraction, long seed) {
}
