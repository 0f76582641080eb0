package io.ordertimeout.testkit.process;

/**
 * Stops a test server once: when it is closed, or from a JVM shutdown hook when the test run ends
 * without closing it (the child JVMs exit by themselves anyway, see {@link ParentWatchingMain};
 * the hook also deletes their temporary directories). Closing removes the hook.
 */
public final class StopOnce {

    private final Runnable stop;
    private final Thread shutdownHook;
    private boolean stopped;

    private StopOnce(String name, Runnable stop) {
        this.stop = stop;
        this.shutdownHook = new Thread(stop, name);
    }

    /** Registers {@code stop} as a shutdown hook named {@code name} until {@link #stop()} runs it. */
    public static StopOnce registerShutdownHook(String name, Runnable stop) {
        StopOnce once = new StopOnce(name, stop);
        Runtime.getRuntime().addShutdownHook(once.shutdownHook);
        return once;
    }

    /** Runs the stop the first time only, and forgets the shutdown hook. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; it does the same work.
        }
        stop.run();
    }
}
