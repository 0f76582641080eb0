package io.ordertimeout.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundReason;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.db.TestDatabase.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sinks against real PostgreSQL and MariaDB, through a Flink mini cluster, connected as the
 * least-privilege job user of grants.sql (so these tests also prove the grants are enough).
 */
class OrderDatabaseSinksTest {

    private static final String JOB_PASSWORD = "job-password-for-tests";
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long DEADLINE = T0 + Duration.ofMinutes(30).toMillis();
    private static final long DECIDED_AT = DEADLINE + 1_250;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(quickFailures())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedPostgresDatabase postgres;

    /** A job that cannot get its slots fails in seconds, not after the default 5 minutes. */
    private static Configuration quickFailures() {
        Configuration config = new Configuration();
        config.set(JobManagerOptions.SLOT_REQUEST_TIMEOUT, Duration.ofSeconds(20));
        return config;
    }

    private static EmbeddedMariaDbDatabase mariaDb;

    @BeforeAll
    static void startDatabases() throws SQLException {
        postgres = EmbeddedPostgresDatabase.start();
        mariaDb = EmbeddedMariaDbDatabase.start();
        for (TestDatabase database : List.of(postgres, mariaDb)) {
            database.applySchema();
            database.createJobUser(JOB_PASSWORD);
            createCustomNamedTables(database);
        }
    }

    @AfterAll
    static void stopDatabases() {
        if (postgres != null) {
            postgres.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    /** The same tables under other names, for the job's configurable names. */
    private static void createCustomNamedTables(TestDatabase database) throws SQLException {
        boolean pg = database.kind() == Kind.POSTGRES;
        String job = pg ? TestDatabase.JOB_USER : "'" + TestDatabase.JOB_USER + "'@'%'";
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE shop_order (id VARCHAR(64) PRIMARY KEY, state VARCHAR(16) NOT NULL, "
                    + "end_reason VARCHAR(32), ended_at " + (pg ? "TIMESTAMPTZ(3)" : "DATETIME(3)") + ")");
            statement.execute(pg ? "CREATE TABLE shop_close_log (LIKE order_timeout_log INCLUDING ALL)"
                    : "CREATE TABLE shop_close_log LIKE order_timeout_log");
            statement.execute(pg ? "CREATE TABLE shop_refund (LIKE refund_request INCLUDING ALL)"
                    : "CREATE TABLE shop_refund LIKE refund_request");
            statement.execute("GRANT SELECT (id, state), UPDATE (state, end_reason, ended_at) ON shop_order TO " + job);
            statement.execute("GRANT INSERT ON shop_close_log TO " + job);
            statement.execute("GRANT SELECT (order_id, outcome) ON shop_close_log TO " + job);
            statement.execute("GRANT INSERT ON shop_refund TO " + job);
            statement.execute("GRANT SELECT (order_id, payment_id) ON shop_refund TO " + job);
        }
    }

    private static TestDatabase database(Kind kind) {
        return kind == Kind.POSTGRES ? postgres : mariaDb;
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        for (TestDatabase database : List.of(postgres, mariaDb)) {
            try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement()) {
                for (String table : List.of("orders", "order_timeout_log", "refund_request", "order_event_dead_letter",
                        "shop_order", "shop_close_log", "shop_refund")) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            }
        }
    }

    // ---- closes -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closesPendingOrdersOnlyAndOnceEvenWhenReplayed(Kind kind) throws Exception {
        TestDatabase database = database(kind);
        insertOrder(database, "orders", "o-pending", "PENDING_PAYMENT");
        insertOrder(database, "orders", "o-paid", "PAID");
        insertOrder(database, "orders", "o-cancelled", "CANCELLED");
        insertOrder(database, "orders", "o-untouched", "PENDING_PAYMENT");
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(database, config -> {}));

        runCloses(sinks, close("o-pending", DECIDED_AT), close("o-paid", DECIDED_AT), close("o-cancelled", DECIDED_AT),
                close("o-pending", DECIDED_AT)); // a duplicate within one run
        runCloses(sinks, close("o-pending", DECIDED_AT + 60_000)); // a replay after a restart, decided later

        assertThat(orders(database, "orders", "order_id", "status", "close_reason", "closed_at")).containsExactly(
                "o-cancelled CANCELLED null null",
                "o-paid PAID null null",
                "o-pending CLOSED PAYMENT_TIMEOUT " + Instant.ofEpochMilli(DECIDED_AT),
                "o-untouched PENDING_PAYMENT null null");
        assertThat(auditRows(database, "order_timeout_log")).containsExactly(
                "o-cancelled " + Instant.ofEpochMilli(DEADLINE) + " " + Instant.ofEpochMilli(DECIDED_AT) + " 1250 NOT_PENDING",
                "o-paid " + Instant.ofEpochMilli(DEADLINE) + " " + Instant.ofEpochMilli(DECIDED_AT) + " 1250 NOT_PENDING",
                "o-pending " + Instant.ofEpochMilli(DEADLINE) + " " + Instant.ofEpochMilli(DECIDED_AT) + " 1250 APPLIED");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void customTableColumnAndStatusNamesWork(Kind kind) throws Exception {
        TestDatabase database = database(kind);
        insertCustomOrder(database, "c-open", "OPEN");
        insertCustomOrder(database, "c-settled", "SETTLED");
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(database, config -> {
            config.set(OrderTimeoutOptions.DB_ORDERS_TABLE, "shop_order");
            config.set(OrderTimeoutOptions.DB_ORDER_ID_COLUMN, "id");
            config.set(OrderTimeoutOptions.DB_STATUS_COLUMN, "state");
            config.set(OrderTimeoutOptions.DB_CLOSE_REASON_COLUMN, "end_reason");
            config.set(OrderTimeoutOptions.DB_CLOSED_AT_COLUMN, "ended_at");
            config.set(OrderTimeoutOptions.DB_PENDING_STATUS, "OPEN");
            config.set(OrderTimeoutOptions.DB_CLOSED_STATUS, "EXPIRED");
            config.set(OrderTimeoutOptions.DB_CLOSE_REASON, "NOT_PAID");
            config.set(OrderTimeoutOptions.DB_REFUNDABLE_STATUSES, "EXPIRED,VOIDED");
            config.set(OrderTimeoutOptions.DB_AUDIT_TABLE, "shop_close_log");
            config.set(OrderTimeoutOptions.DB_REFUND_TABLE, "shop_refund");
        }));

        runCloses(sinks, close("c-open", DECIDED_AT), close("c-settled", DECIDED_AT));
        // The payments come after the close (the guard reads the closed row), as in production.
        StreamExecutionEnvironment env = environment();
        sinks.refunds(env.fromData(refund("c-open", "p-1"), refund("c-settled", "p-2")));
        env.execute("custom names refunds");

        assertThat(orders(database, "shop_order", "id", "state", "end_reason", "ended_at")).containsExactly(
                "c-open EXPIRED NOT_PAID " + Instant.ofEpochMilli(DECIDED_AT),
                "c-settled SETTLED null null");
        assertThat(auditRows(database, "shop_close_log")).hasSize(2);
        assertThat(refundRows(database, "shop_refund")).containsExactly("c-open p-1 PAID_AFTER_CLOSE");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void overriddenStatementsBindNamedParameters(Kind kind) throws Exception {
        TestDatabase database = database(kind);
        insertOrder(database, "orders", "o-1", "PENDING_PAYMENT");
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(database, config -> {
            // closed_at takes the deadline here, so the test sees which value was bound where.
            config.set(OrderTimeoutOptions.CLOSE_STATEMENT, "UPDATE orders SET status = 'CLOSED', "
                    + "close_reason = 'OVERRIDE', closed_at = :deadline "
                    + "WHERE order_id = :order_id AND status = 'PENDING_PAYMENT' -- job's own statement: closed_at");
            config.set(OrderTimeoutOptions.AUDIT_STATEMENT, "INSERT INTO order_timeout_log (lateness_ms, closed_at, "
                    + "deadline, order_id, outcome) VALUES (:lateness_ms, :closed_at, :deadline, :order_id, :outcome)");
        }));

        runCloses(sinks, close("o-1", DECIDED_AT));

        assertThat(orders(database, "orders", "order_id", "status", "close_reason", "closed_at"))
                .containsExactly("o-1 CLOSED OVERRIDE " + Instant.ofEpochMilli(DEADLINE));
        assertThat(auditRows(database, "order_timeout_log")).containsExactly(
                "o-1 " + Instant.ofEpochMilli(DEADLINE) + " " + Instant.ofEpochMilli(DECIDED_AT) + " 1250 APPLIED");
    }

    @Test
    void mysqlSchemeUrlWorksThroughTheMariaDbDriver() throws Exception {
        insertOrder(mariaDb, "orders", "o-1", "PENDING_PAYMENT");
        String mysqlUrl = mariaDb.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:");
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(mariaDb, config ->
                config.set(OrderTimeoutOptions.JDBC_URL, mysqlUrl)));

        runCloses(sinks, close("o-1", DECIDED_AT));

        assertThat(orders(mariaDb, "orders", "order_id", "status", "close_reason", "closed_at"))
                .containsExactly("o-1 CLOSED PAYMENT_TIMEOUT " + Instant.ofEpochMilli(DECIDED_AT));
    }

    @Test
    void aFailingStatementFailsTheJobButNotTheTaskManager() throws Exception {
        insertOrder(postgres, "orders", "o-1", "PENDING_PAYMENT");
        OrderDatabaseSinks forbidden = new OrderDatabaseSinks(settings(postgres, config ->
                config.set(OrderTimeoutOptions.CLOSE_STATEMENT, "DELETE FROM orders WHERE order_id = :order_id")));

        assertThatThrownBy(() -> runCloses(forbidden, close("o-1", DECIDED_AT)))
                .isInstanceOf(JobExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e)).contains("permission denied for table orders"));

        // The TaskManager survived the failed task's cleanup: the next job gets its slots and runs.
        runCloses(new OrderDatabaseSinks(settings(postgres, config -> {})), close("o-1", DECIDED_AT));
        assertThat(orders(postgres, "orders", "order_id", "status", "close_reason", "closed_at"))
                .containsExactly("o-1 CLOSED PAYMENT_TIMEOUT " + Instant.ofEpochMilli(DECIDED_AT));
    }

    // ---- refunds and dead letters ---------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Kind.class)
    void refundsAreDeduplicatedAndSkippedForPaidOrders(Kind kind) throws Exception {
        TestDatabase database = database(kind);
        insertOrder(database, "orders", "o-closed", "CLOSED");
        insertOrder(database, "orders", "o-cancelled", "CANCELLED");
        insertOrder(database, "orders", "o-paid", "PAID"); // the payment won the race with the close
        insertOrder(database, "orders", "o-pending", "PENDING_PAYMENT"); // no refundable status either
        RefundRequest withoutPaymentId = refund("o-cancelled", null);
        withoutPaymentId.reason = RefundReason.PAID_AFTER_CANCEL;
        withoutPaymentId.userId = null;
        withoutPaymentId.amountCents = null;
        withoutPaymentId.currency = null;
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(database, config -> {}));

        StreamExecutionEnvironment env = environment();
        sinks.refunds(env.fromData(refund("o-closed", "p-1"), refund("o-closed", "p-1"), refund("o-closed", "p-2"),
                refund("o-paid", "p-3"), withoutPaymentId, refund("o-closed", "p-1"), refund("o-pending", "p-4")));
        env.execute("refunds");

        assertThat(refundRows(database, "refund_request")).containsExactly(
                "o-cancelled  PAID_AFTER_CANCEL", "o-closed p-1 PAID_AFTER_CLOSE", "o-closed p-2 PAID_AFTER_CLOSE");
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT paid_at, requested_at, user_id, amount_cents, currency "
                        + "FROM refund_request WHERE order_id = 'o-closed' AND payment_id = 'p-1'")) {
            assertThat(rows.next()).isTrue();
            assertThat(instant(database, rows, "paid_at")).isEqualTo(Instant.ofEpochMilli(DECIDED_AT + 5_000));
            assertThat(instant(database, rows, "requested_at")).isEqualTo(Instant.ofEpochMilli(DECIDED_AT + 6_000));
            assertThat(rows.getString("user_id")).isEqualTo("u-7");
            assertThat(rows.getLong("amount_cents")).isEqualTo(1299);
            assertThat(rows.getString("currency")).isEqualTo("EUR");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deadLettersAreStoredWhenTheTableIsConfigured(Kind kind) throws Exception {
        TestDatabase database = database(kind);
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(database, config ->
                config.set(OrderTimeoutOptions.DB_DEAD_LETTER_TABLE, "order_event_dead_letter")));
        byte[] withNul = {'{', 0, '}'};
        String longReason = "x".repeat(3000);

        StreamExecutionEnvironment env = environment();
        sinks.deadLetters(env.fromData(
                new DeadLetter("{\"type\":".getBytes(StandardCharsets.UTF_8), "order-events/broker-a/3/1042",
                        "unparsable JSON", T0),
                new DeadLetter(withNul, "order-events/broker-a/0/7", longReason, T0 + 1)))
                .orElseThrow();
        env.execute("dead letters");

        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery("SELECT source_position, reason, payload, rejected_at "
                        + "FROM order_event_dead_letter ORDER BY source_position")) {
            while (result.next()) {
                rows.add(result.getString(1) + " | " + result.getString(2).length() + " | " + result.getString(3)
                        + " | " + instant(database, result, "rejected_at"));
            }
        }
        assertThat(rows).containsExactly(
                "order-events/broker-a/0/7 | 1024 | base64:" + Base64.getEncoder().encodeToString(withNul) + " | "
                        + Instant.ofEpochMilli(T0 + 1),
                "order-events/broker-a/3/1042 | 15 | {\"type\": | " + Instant.ofEpochMilli(T0));
    }

    @Test
    void noDeadLetterSinkWithoutTheTable() {
        OrderDatabaseSinks sinks = new OrderDatabaseSinks(settings(postgres, config -> {}));
        StreamExecutionEnvironment env = environment();

        assertThat(sinks.deadLetters(env.fromData(new DeadLetter(new byte[0], "p", "r", T0)))).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static JdbcSinkSettings settings(TestDatabase database, Consumer<Configuration> customize) {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, database.jdbcUrl());
        config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
        config.set(OrderTimeoutOptions.JDBC_PASSWORD, JOB_PASSWORD);
        config.set(OrderTimeoutOptions.JDBC_BATCH_SIZE, 2); // several batches per run
        config.set(OrderTimeoutOptions.JDBC_BATCH_INTERVAL, Duration.ofMillis(100));
        config.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 0); // a failing statement fails the test at once
        customize.accept(config);
        return JdbcSinkSettings.from(config, Map.of());
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return env;
    }

    private static void runCloses(OrderDatabaseSinks sinks, CloseCommand... closes) throws Exception {
        StreamExecutionEnvironment env = environment();
        sinks.closes(env.fromData(closes));
        env.execute("closes");
    }

    private static CloseCommand close(String orderId, long decidedAt) {
        return new CloseCommand(orderId, DEADLINE, decidedAt);
    }

    private static RefundRequest refund(String orderId, String paymentId) {
        RefundRequest refund = new RefundRequest();
        refund.orderId = orderId;
        refund.paymentId = paymentId;
        refund.reason = RefundReason.PAID_AFTER_CLOSE;
        refund.paidAt = DECIDED_AT + 5_000;
        refund.requestedAt = DECIDED_AT + 6_000;
        refund.userId = "u-7";
        refund.amountCents = 1299L;
        refund.currency = "EUR";
        return refund;
    }

    private static void insertOrder(TestDatabase database, String table, String orderId, String status) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement insert = admin.prepareStatement("INSERT INTO " + table
                        + " (order_id, user_id, amount_cents, currency, status, created_at) VALUES (?, 'u-7', 1299, 'EUR', ?, ?)")) {
            insert.setString(1, orderId);
            insert.setString(2, status);
            insert.setObject(3, dialect(database).timestamp(T0));
            insert.executeUpdate();
        }
    }

    private static void insertCustomOrder(TestDatabase database, String id, String state) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement insert = admin.prepareStatement("INSERT INTO shop_order (id, state) VALUES (?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, state);
            insert.executeUpdate();
        }
    }

    private static List<String> orders(TestDatabase database, String table, String id, String status, String reason,
            String closedAt) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery("SELECT " + String.join(", ", id, status, reason, closedAt)
                        + " FROM " + table + " ORDER BY " + id)) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getString(3) + " "
                        + instant(database, result, closedAt));
            }
        }
        return rows;
    }

    private static List<String> auditRows(TestDatabase database, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT order_id, deadline, closed_at, lateness_ms, outcome FROM " + table + " ORDER BY order_id")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + instant(database, result, "deadline") + " "
                        + instant(database, result, "closed_at") + " " + result.getLong(4) + " " + result.getString(5));
            }
        }
        return rows;
    }

    private static List<String> refundRows(TestDatabase database, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT order_id, payment_id, reason FROM " + table + " ORDER BY order_id, payment_id")) {
            while (result.next()) {
                rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getString(3));
            }
        }
        return rows;
    }

    /** Reads a timestamp column as the instant it stands for (DATETIME columns hold UTC). */
    private static Instant instant(TestDatabase database, ResultSet result, String column) throws SQLException {
        if (database.kind() == Kind.POSTGRES) {
            OffsetDateTime value = result.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }
        LocalDateTime value = result.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static SqlDialect dialect(TestDatabase database) {
        return database.kind() == Kind.POSTGRES ? SqlDialect.POSTGRES : SqlDialect.MYSQL;
    }
}
