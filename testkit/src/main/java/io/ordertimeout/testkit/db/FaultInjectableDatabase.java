package io.ordertimeout.testkit.db;

/**
 * A database server the fault campaign can take down the ways production databases go down:
 * stopped and started again on the same data and port (a restart or fail-over), or frozen
 * (SIGSTOP: a stalled host or a long GC-like pause, connections hang instead of failing).
 */
public interface FaultInjectableDatabase extends TestDatabase {

    /** Stops the server (open connections are cut); its data stays. No-op if stopped. */
    void stopServer();

    /** Starts the server again after {@link #stopServer()}, on the same data directory and port. */
    void startServer();

    /** Freezes every process of the server with SIGSTOP; {@link #resume()} thaws it. */
    void pause();

    /** SIGCONT to what {@link #pause()} froze. */
    void resume();
}
