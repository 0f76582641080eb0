package io.ordertimeout.tools;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BootstrapRestoreTestBase} on PostgreSQL 17 with 20,000 pending orders, restored at
 * parallelism 3. The tools log in with SELECT on orders only. pg_stat_statements shows the job's
 * login ran no SELECT at all: it finds its work in the savepoint, not in the table.
 */
class BootstrapPostgresTest extends BootstrapRestoreTestBase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = miniCluster(METRICS);

    private static EmbeddedPostgresDatabase database;

    @BeforeAll
    static void startDatabase() {
        database = EmbeddedPostgresDatabase.start(Map.of(
                "shared_preload_libraries", "pg_stat_statements",
                "pg_stat_statements.track", "top",
                "pg_stat_statements.track_utility", "off"));
        database.applySchema();
        database.createJobUser(JOB_PASSWORD);
        database.executeScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n"
                + "CREATE ROLE " + TOOLS_USER + " LOGIN PASSWORD '" + TOOLS_PASSWORD + "';\n"
                + "GRANT USAGE ON SCHEMA public TO " + TOOLS_USER + ";\n"
                + "GRANT SELECT ON orders TO " + TOOLS_USER + ";\n"
                + "SELECT pg_stat_statements_reset();\n");
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
        return 20_000;
    }

    @Override
    int restoreParallelism() {
        return 3;
    }

    @Override
    void afterJobRun() throws Exception {
        List<String> job = statements(TestDatabase.JOB_USER);
        assertThat(job).as("the job's statements").anyMatch(query -> query.startsWith("update orders"));
        assertThat(job).as("the job reads no row to find work").noneMatch(query -> query.startsWith("select"));
    }

    /** Statements a login ran, as pg_stat_statements normalises them, lower case. */
    private static List<String> statements(String role) throws Exception {
        List<String> queries = new ArrayList<>();
        try (Connection connection = database.adminConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT s.query FROM pg_stat_statements s"
                        + " JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + role + "'")) {
            while (rs.next()) {
                queries.add(rs.getString(1).strip().toLowerCase(Locale.ROOT));
            }
        }
        return queries;
    }

    @Override
    InMemoryReporter metrics() {
        return METRICS;
    }
}
