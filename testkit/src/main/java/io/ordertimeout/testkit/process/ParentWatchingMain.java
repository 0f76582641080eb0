package io.ordertimeout.testkit.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM (RocketMQ servers, Flink processes): runs the real main class given as first argument and
 * exits as soon as the parent's end of the standard-input pipe closes.
 *
 * <p>A shutdown hook in the parent cannot run when the parent is killed hard (SIGKILL, an IDE's
 * stop button, a surefire fork timeout); the pipe closes in every case, so this keeps a killed
 * test run from leaving name servers and brokers behind. Uses only the JDK because the child's
 * class path holds just this class plus the server's own jars (see {@link ChildJvm}).
 */
public final class ParentWatchingMain {

    private ParentWatchingMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: ParentWatchingMain <main class> [args...]");
        }
        Thread watcher = new Thread(ParentWatchingMain::exitWhenParentGone, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void exitWhenParentGone() {
        InputStream stdin = System.in;
        try {
            while (stdin.read() != -1) {
                // The parent never writes; any byte is ignored.
            }
        } catch (IOException ignored) {
            // A broken pipe means the same as end of stream: the parent is gone.
        }
        Thread halter = new Thread(() -> {
            sleepQuietly(10_000);
            // The server's own shutdown hooks did not finish in time; nobody is waiting for them.
            Runtime.getRuntime().halt(1);
        }, "parent-watcher-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(0);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
