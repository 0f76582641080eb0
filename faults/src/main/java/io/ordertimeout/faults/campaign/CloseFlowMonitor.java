package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Watches closes arrive: counts CLOSED order rows a few times a second and remembers when the
 * count grew. "Closes flow again" after a fault is the first growth seen after its repair. Reads
 * with its own connection and reconnects after database faults (it sees nothing while the
 * database is down, which is right: no close can be applied then either).
 */
final class CloseFlowMonitor implements AutoCloseable {

    private static final long POLL_MILLIS = 250;

    private final JdbcConnectionFactory connections;
    private final ConcurrentSkipListMap<Instant, Long> growths = new ConcurrentSkipListMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastCount = -1;

    CloseFlowMonitor(JdbcConnectionFactory connections) {
        this.connections = connections;
        this.thread = new Thread(this::run, "close-flow-monitor");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Waits for the first growth of the close count after {@code after}. */
    Optional<Instant> awaitClosesAfter(Instant after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Instant first = growths.higherKey(after);
            if (first != null) {
                return Optional.of(first);
            }
            Thread.sleep(POLL_MILLIS);
        }
        return Optional.ofNullable(growths.higherKey(after));
    }

    long lastCount() {
        return lastCount;
    }

    private void run() {
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = connections.open();
                }
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders WHERE status = 'CLOSED'")) {
                    rs.next();
                    long count = rs.getLong(1);
                    if (lastCount >= 0 && count > lastCount) {
                        growths.put(Instant.now(), count);
                    }
                    lastCount = count;
                }
            } catch (SQLException e) {
                closeQuietly(connection);
                connection = null;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // A broken connection of a stopped database.
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
