package io.ordertimeout.local;

import io.ordertimeout.testkit.workload.DatabaseSnapshot;
import io.ordertimeout.testkit.workload.ExpectedOutcome;
import io.ordertimeout.testkit.workload.GroundTruthCheck;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a run of the live simulator against the database, like {@link GroundTruthCheck}, but
 * only over this run's orders (by order-id prefix), so a database shared with earlier runs or other
 * writers does not fail it. The job works concurrently, so the check is repeated until it passes;
 * no verdict is given before {@code earliest} (when every deadline has been due for longer than the
 * job's liveness bound) and the last report counts once {@code latest} has passed.
 */
final class RunVerdict {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final JdbcConnectionFactory connections;
    private final String orderIdPrefix;
    private final boolean checkDeadLetterTable;

    RunVerdict(JdbcConnectionFactory connections, String orderIdPrefix, boolean checkDeadLetterTable) {
        this.connections = connections;
        this.orderIdPrefix = orderIdPrefix;
        this.checkDeadLetterTable = checkDeadLetterTable;
    }

    GroundTruthReport await(ExpectedOutcome expected, Instant earliest, Instant latest) throws SQLException,
            InterruptedException {
        sleepUntil(earliest);
        while (true) {
            GroundTruthReport report = check(expected);
            if (report.passed() || !Instant.now().isBefore(latest)) {
                return report;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    GroundTruthReport check(ExpectedOutcome expected) throws SQLException {
        DatabaseSnapshot snapshot;
        try (Connection connection = connections.open()) {
            snapshot = ofThisRun(DatabaseSnapshot.read(connection));
        }
        return new GroundTruthCheck().withDeadLetterTable(checkDeadLetterTable).compare(snapshot, expected);
    }

    private DatabaseSnapshot ofThisRun(DatabaseSnapshot all) {
        Map<String, DatabaseSnapshot.OrderRow> orders = new LinkedHashMap<>();
        all.orders().forEach((orderId, row) -> {
            if (orderId.startsWith(orderIdPrefix)) {
                orders.put(orderId, row);
            }
        });
        List<DatabaseSnapshot.AuditRow> audits = all.audits().stream()
                .filter(row -> row.orderId().startsWith(orderIdPrefix)).toList();
        List<DatabaseSnapshot.RefundRow> refunds = all.refunds().stream()
                .filter(row -> row.orderId().startsWith(orderIdPrefix)).toList();
        return new DatabaseSnapshot(orders, audits, refunds, all.deadLetterRows(), all.distinctDeadLetterPayloads());
    }

    private static void sleepUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
