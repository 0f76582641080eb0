package io.ordertimeout.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What users run today (DESIGN.md §1): every N seconds, find the pending orders whose window has
 * run out through the index on orders(status, created_at), and close them with the same
 * conditional UPDATE as the job, in one JDBC batch per page of results.
 */
final class ScannerContender implements Contender {

    private static final int PAGE = 1000;
    private static final String FIND = "SELECT order_id FROM orders WHERE status = 'PENDING_PAYMENT' AND created_at < ?"
            + " ORDER BY created_at LIMIT " + PAGE;
    /** The job's close statement on PostgreSQL, {@code (status || '')} included (see SqlDialect.statusOfTheRowByKey). */
    private static final String CLOSE = "UPDATE orders SET status = 'CLOSED', close_reason = 'PAYMENT_TIMEOUT',"
            + " closed_at = ? WHERE order_id = ? AND (status || '') = 'PENDING_PAYMENT'";

    private final BenchPostgres database;
    private final Duration payTimeout;
    private final Duration interval;
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private Connection connection;

    ScannerContender(LiveSetup setup) {
        this.database = setup.database();
        this.payTimeout = setup.payTimeout();
        this.interval = setup.scanInterval();
    }

    @Override
    public String name() {
        return "scanner-" + interval.toSeconds() + "s";
    }

    @Override
    public void start() throws SQLException {
        connection = database.contenderConnection();
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "scanner");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::scanOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scanOnce() {
        try {
            List<String> expired;
            do {
                expired = findExpired(System.currentTimeMillis() - payTimeout.toMillis());
                close(expired);
            } while (expired.size() == PAGE);
        } catch (SQLException e) {
            if (failures.incrementAndGet() <= 3) {
                System.err.println("Scanner pass failed: " + e);
            }
        }
    }

    private List<String> findExpired(long createdBefore) throws SQLException {
        List<String> orderIds = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            find.setObject(1, Timestamps.utc(createdBefore));
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    orderIds.add(rs.getString(1));
                }
            }
        }
        return orderIds;
    }

    private void close(List<String> orderIds) throws SQLException {
        if (orderIds.isEmpty()) {
            return;
        }
        try (PreparedStatement close = connection.prepareStatement(CLOSE)) {
            var now = Timestamps.utc(System.currentTimeMillis());
            for (String orderId : orderIds) {
                close.setObject(1, now);
                close.setString(2, orderId);
                close.addBatch();
            }
            close.executeBatch();
        }
    }

    @Override
    public void close() throws Exception {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            scheduler = null;
        }
        if (connection != null) {
            connection.close();
        }
    }
}
