package io.ordertimeout.testkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same check on MariaDB, where timestamps are DATETIME(3) holding UTC: the initial rows, the
 * snapshot and the lateness must round-trip without a time-zone shift.
 */
class GroundTruthCheckMariaDbTest {

    private static final SqlFlavor FLAVOR = SqlFlavor.MYSQL;
    private static EmbeddedMariaDbDatabase mariaDb;
    private static Connection connection;
    private static OrderWorkload workload;

    @BeforeAll
    static void startDatabase() throws Exception {
        mariaDb = EmbeddedMariaDbDatabase.start();
        mariaDb.applySchema();
        connection = mariaDb.adminConnection();
        workload = OrderWorkload.generate(WorkloadSpec.builder().orderCount(1_000).seed(5).build());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Test
    void correctFinalStatePassesAndAPaidOrderClosedFails() throws SQLException {
        mariaDb.deleteAllRows();
        ReferenceOutcomeWriter.writeCorrectFinalState(connection, FLAVOR, workload);

        GroundTruthReport report = new GroundTruthCheck().check(connection, workload.expected());
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.lateness().minMs()).isEqualTo(1000);
        assertThat(report.lateness().maxMs()).isEqualTo(1099);
        DatabaseSnapshot snapshot = DatabaseSnapshot.read(connection);
        for (InitialOrderRow row : workload.initialRows()) {
            assertThat(snapshot.orders().get(row.orderId()).createdAt()).isEqualTo(row.createdAt());
        }

        String paid = workload.expected().orderIdsWithStatus(OrderRowStatus.PAID).iterator().next();
        try (PreparedStatement close = connection.prepareStatement("UPDATE orders SET status='CLOSED', "
                + "close_reason='PAYMENT_TIMEOUT', closed_at=? WHERE order_id=?")) {
            FLAVOR.setTimestamp(close, 1, Instant.now());
            close.setString(2, paid);
            close.executeUpdate();
        }
        GroundTruthReport broken = new GroundTruthCheck().check(connection, workload.expected());
        assertThat(broken.passed()).isFalse();
        assertThat(broken.mismatches()).singleElement().satisfies(mismatch -> {
            assertThat(mismatch.orderId()).isEqualTo(paid);
            assertThat(mismatch.problem()).isEqualTo("status CLOSED, expected PAID (closed although paid)");
        });
    }
}
