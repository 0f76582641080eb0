package io.ordertimeout.bench;

import io.ordertimeout.testkit.workload.Category;
import io.ordertimeout.testkit.workload.EventPublisher;
import io.ordertimeout.testkit.workload.ExpectedOrder;
import io.ordertimeout.testkit.workload.ExpectedOutcome;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.LatenessStats;
import io.ordertimeout.testkit.workload.LiveOrderSimulator;
import io.ordertimeout.testkit.workload.OrderRowStatus;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs one contender against live orders: the simulator acts as the order and payment services
 * (row first, then the event), the contender closes what stays unpaid. After the last payment the
 * run waits (with a deadline) until every order that must be closed is closed, then judges every
 * order row against what really happened and reads lateness and database work.
 */
final class LiveRun {

    private LiveRun() {}

    static LiveResult run(BenchPostgres database, LiveSetup setup, LiveLoad load,
            Function<LiveSetup, Contender> contenderFactory, Duration closeWait) throws Exception {
        database.reset();
        SettledOrders.fill(database, load.settledRows());
        // The settled rows were written by the superuser; the contender's statistics start here.
        database.resetStatementStatistics();
        setup.rocketMq().createTopic(setup.topic(), 4);
        long started = System.currentTimeMillis();
        try (Contender contender = contenderFactory.apply(setup);
                RocketMqEventPublisher events = RocketMqEventPublisher.start(
                        setup.rocketMq().nameServerAddress(), setup.topic(), "bench-orders-" + System.nanoTime())) {
            contender.start();
            String prefix = contender.name() + "-";
            EventPublisher publisher = contender.orderServicePublisher(events);
            ExpectedOutcome expected;
            long creationEnded;
            try (LiveOrderSimulator simulator = LiveOrderSimulator.builder()
                    .publisher(publisher)
                    .database(JdbcConnectionFactory.of(database.jdbcUrl(), "postgres", ""), SqlFlavor.POSTGRES)
                    .ordersPerSecond(load.ordersPerSecond())
                    .maxDuration(load.duration())
                    .payTimeout(load.payTimeout())
                    .latePaymentDelay(load.latePaymentDelay())
                    .fraction(Category.NEVER_PAID, load.neverPaidFraction())
                    // Dead letters exercise only the job; they are no work for the others.
                    .invalidFraction(0)
                    .orderIdPrefix(prefix)
                    .seed(load.seed())
                    .build()) {
                simulator.start();
                while (simulator.isCreating()) {
                    Thread.sleep(20);
                }
                creationEnded = System.currentTimeMillis();
                Duration followUps = load.payTimeout().plus(load.latePaymentDelay()).plusSeconds(30);
                if (!simulator.awaitFollowUps(followUps)) {
                    throw new IllegalStateException("Simulated payments not done after " + followUps);
                }
                expected = simulator.expectedOutcome();
                if (simulator.counters().failures() > 0) {
                    throw new IllegalStateException("Simulator actions failed: " + simulator.counters());
                }
            }
            int expectedCloses = expected.orderIdsWithStatus(OrderRowStatus.CLOSED).size();
            awaitLiveCloses(database, expectedCloses, closeWait);
            // Late or duplicate closes would show up now; give the contender a moment to make them.
            Thread.sleep(500);
            contender.close();
            return judge(database, contender.name(), expected, load.payTimeout(), creationEnded,
                    System.currentTimeMillis() - started);
        }
    }

    private static void awaitLiveCloses(BenchPostgres database, int expectedCloses, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (countLiveClosed(database) < expectedCloses && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
    }

    /** Closed rows of this run, not of the settled history: an index range, not a scan of the history's closes. */
    private static int countLiveClosed(BenchPostgres database) throws SQLException {
        return countClosedWhere(database, " AND created_at > " + SettledOrders.OLDEST_LIVE_ROW);
    }

    /** All closed rows (the end-to-end table holds no settled history). */
    static int countClosed(BenchPostgres database) throws SQLException {
        return countClosedWhere(database, "");
    }

    private static int countClosedWhere(BenchPostgres database, String andCondition) throws SQLException {
        try (Connection connection = database.adminConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM orders WHERE status = 'CLOSED'" + andCondition);
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static LiveResult judge(BenchPostgres database, String name, ExpectedOutcome expected,
            Duration payTimeout, long creationEnded, long runMillis) throws SQLException {
        Map<String, String> actual = new HashMap<>();
        List<Long> steady = new ArrayList<>();
        List<Long> quiet = new ArrayList<>();
        try (Connection connection = database.adminConnection();
                PreparedStatement rows = connection.prepareStatement(
                        "SELECT order_id, status, created_at, closed_at FROM orders WHERE created_at > "
                                + SettledOrders.OLDEST_LIVE_ROW);
                ResultSet rs = rows.executeQuery()) {
            while (rs.next()) {
                actual.put(rs.getString(1), rs.getString(2));
                if ("CLOSED".equals(rs.getString(2))) {
                    long deadline = rs.getObject(3, OffsetDateTime.class).toInstant().toEpochMilli() + payTimeout.toMillis();
                    long lateness = rs.getObject(4, OffsetDateTime.class).toInstant().toEpochMilli() - deadline;
                    (deadline < creationEnded ? steady : quiet).add(lateness);
                }
            }
        }
        List<String> mismatches = new ArrayList<>();
        for (ExpectedOrder order : expected.orders().values()) {
            String status = actual.get(order.orderId());
            if (!order.finalStatus().name().equals(status)) {
                mismatches.add(order.orderId() + " (" + order.category() + "): expected " + order.finalStatus()
                        + ", found " + status);
            }
        }
        long[] all = new long[steady.size() + quiet.size()];
        int i = 0;
        for (long value : steady) {
            all[i++] = value;
        }
        for (long value : quiet) {
            all[i++] = value;
        }
        int closes = (int) actual.values().stream().filter("CLOSED"::equals).count();
        return new LiveResult(name, expected.orders().size(), expected.orderIdsWithStatus(OrderRowStatus.CLOSED).size(),
                closes, mismatches, LatenessStats.of(toArray(steady)), LatenessStats.of(toArray(quiet)), all,
                DbWork.read(database), runMillis);
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
