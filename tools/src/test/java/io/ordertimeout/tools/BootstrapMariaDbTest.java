package io.ordertimeout.tools;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BootstrapRestoreTestBase} on MariaDB 11.4 (standing in for MySQL 8) with 3,000 pending
 * orders, restored at parallelism 1. The table has a deadline column (DATETIME(3), UTC) that
 * disagrees with created_at + pay timeout on purpose: bootstrap must take the column.
 */
class BootstrapMariaDbTest extends BootstrapRestoreTestBase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = miniCluster(METRICS);

    private static EmbeddedMariaDbDatabase database;

    @BeforeAll
    static void startDatabase() {
        database = EmbeddedMariaDbDatabase.start();
        database.applySchema();
        database.createJobUser(JOB_PASSWORD);
        database.executeScript("ALTER TABLE orders ADD COLUMN payment_deadline DATETIME(3) NULL COMMENT 'UTC';\n"
                + "CREATE USER '" + TOOLS_USER + "'@'%' IDENTIFIED BY '" + TOOLS_PASSWORD + "';\n"
                + "GRANT SELECT ON orders TO '" + TOOLS_USER + "'@'%';\n");
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    TestDatabase database() {
        return database;
    }

    @Override
    int pendingOrders() {
        return 3_000;
    }

    @Override
    int restoreParallelism() {
        return 1;
    }

    @Override
    String deadlineColumn() {
        return "payment_deadline";
    }

    @Override
    InMemoryReporter metrics() {
        return METRICS;
    }
}
