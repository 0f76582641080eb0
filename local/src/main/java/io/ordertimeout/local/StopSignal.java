package io.ordertimeout.local;

import sun.misc.Signal;

/**
 * Turns the first SIGINT (Ctrl-C) into a request to wind down in order, and the second into an
 * immediate exit. A JVM shutdown hook cannot do the former: once the JVM shuts down, every
 * hook runs at once, including the embedded broker's own, which would stop the broker while
 * the run still waits for the job to close the last orders.
 */
final class StopSignal {

    private volatile boolean requested;

    private StopSignal() {}

    /** A stop that is never requested, for callers (tests) that must not take over the JVM's signals. */
    static StopSignal none() {
        return new StopSignal();
    }

    /** Installs the handler for the given signals, e.g. INT and TERM. */
    static StopSignal install(String... signals) {
        StopSignal stop = new StopSignal();
        for (String signal : signals) {
            Signal.handle(new Signal(signal), received -> stop.onSignal(received.getName()));
        }
        return stop;
    }

    private void onSignal(String name) {
        if (requested) {
            Console.line("Second SIG" + name + ": stopping now, without a verdict.");
            // Shutdown hooks stop the embedded servers.
            Runtime.getRuntime().exit(130);
        }
        requested = true;
        Console.line("SIG" + name + ": winding down (again to stop at once).");
    }

    boolean requested() {
        return requested;
    }

    /** Sleeps for {@code duration} or until a stop is requested, whichever comes first. */
    void pause(java.time.Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        while (!requested && System.nanoTime() - end < 0) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }
}
