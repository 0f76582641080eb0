package io.ordertimeout.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundReason;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.testing.ListOrderSource;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.time.WallClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TransactionalJdbcWriter} against a real database (one subclass per server, as
 * flink-connector-jdbc does), connected as the least-privilege job user of grants.sql: outcomes,
 * replays, record errors as dead letters, the refund guard, retries, and one whole job run in
 * which the database rejects a close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TransactionalJdbcWriterTestBase {

    static final String JOB_PASSWORD = "job-password-for-tests";
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long DEADLINE = T0 + Duration.ofMinutes(30).toMillis();
    private static final long DECIDED_AT = DEADLINE + 1_250;

    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    final MiniClusterExtension miniCluster = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(metrics.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private TestDatabase database;

    /** Starts the server (once per class). */
    abstract TestDatabase startDatabase();

    /** Ends every session of the job user from the server side, as a failover or an operator would. */
    abstract void killJobSessions() throws SQLException;

    /** A CHECK constraint that rejects closing the order {@code orderId} (same SQL on both databases). */
    static String closeRejectingConstraint(String orderId) {
        return "ALTER TABLE orders ADD CONSTRAINT reject_close CHECK (order_id <> '" + orderId + "' OR status <> 'CLOSED')";
    }

    static String dropCloseRejectingConstraint() {
        return "ALTER TABLE orders DROP CONSTRAINT reject_close";
    }

    /** Statements creating a trigger that rejects the refund with payment id {@code paymentId}. */
    abstract List<String> refundRejectingTrigger(String paymentId);

    abstract List<String> dropRefundRejectingTrigger();

    /** The SQLState the database reports for the constraint and for the trigger. */
    abstract String constraintSqlState();

    abstract String triggerSqlState();

    @BeforeAll
    void startServer() {
        database = startDatabase();
        database.applySchema();
        database.createJobUser(JOB_PASSWORD);
    }

    @AfterAll
    void stopServer() {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        database.deleteAllRows();
    }

    // ---- outcomes ----------------------------------------------------------------------------

    @Test
    void closeOutcomesAreAppliedOrNotPendingAndTheAuditRowRecordsThem() throws Exception {
        insertOrder("o-pending", "PENDING_PAYMENT");
        insertOrder("o-paid", "PAID");
        insertOrder("o-cancelled", "CANCELLED");

        List<CloseResult> outcomes = writeCloses(settings(c -> {}),
                close("o-pending"), close("o-paid"), close("o-cancelled"), close("o-missing")).outcomes;

        assertThat(outcomeStrings(outcomes)).containsExactly(
                "o-cancelled NOT_PENDING", "o-missing NOT_PENDING", "o-paid NOT_PENDING", "o-pending APPLIED");
        assertThat(query("SELECT order_id, outcome FROM order_timeout_log ORDER BY order_id")).containsExactly(
                "o-cancelled NOT_PENDING", "o-missing NOT_PENDING", "o-paid NOT_PENDING", "o-pending APPLIED");
        assertThat(query("SELECT order_id, status FROM orders ORDER BY order_id")).containsExactly(
                "o-cancelled CANCELLED", "o-paid PAID", "o-pending CLOSED");
    }

    // ---- plans on a table of production size -----------------------------------------------

    /**
     * Bench finding (live run on a 1 M-row table): with statistics taken while no order was
     * pending (a quiet night before a sale), PostgreSQL planned the close UPDATE through the
     * (status, created_at) index, reading the index entry of every pending order for each close
     * (3,800 buffer pages per close with 9,600 pending; a flash sale's million would be read for
     * every close). The close must find its row by the primary key whatever the statistics say.
     */
    @Test
    void theCloseFindsItsRowByThePrimaryKeyWhenStatisticsSayNoOrderIsPending() throws Exception {
        try (Connection admin = database.adminConnection()) {
            insertOrders(admin, "settled-", "PAID", 20_000);
            analyzeOrders(admin);
            insertOrders(admin, "pending-", "PENDING_PAYMENT", 5_000);

            assertThat(indexUsedBy(admin, OrderStatements.defaultClose(settings(c -> {})), "pending-42"))
                    .isEqualTo(primaryKeyIndex());
        }
    }

    /** The same for the refund guard, whose statuses (closed, cancelled) a young table may not hold yet. */
    @Test
    void theRefundGuardFindsItsRowByThePrimaryKeyWhenStatisticsSayNoOrderIsClosed() throws Exception {
        try (Connection admin = database.adminConnection()) {
            insertOrders(admin, "settled-", "PAID", 20_000);
            analyzeOrders(admin);
            insertOrders(admin, "closed-", "CLOSED", 5_000);

            assertThat(indexUsedBy(admin, OrderStatements.defaultRefund(settings(c -> {})), "closed-42"))
                    .isEqualTo(primaryKeyIndex());
        }
    }

    /** The index through which the database plans {@code sql} on the orders table, its parameters bound. */
    private String indexUsedBy(Connection admin, String sqlWithNamedParameters, String orderId) throws SQLException {
        SqlDialect dialect = settings(c -> {}).dialect();
        NamedParameterSql sql = NamedParameterSql.parse(sqlWithNamedParameters, dialect);
        try (PreparedStatement explain = admin.prepareStatement("EXPLAIN " + sql.jdbcSql())) {
            List<String> names = sql.parameterNames();
            for (int i = 0; i < names.size(); i++) {
                switch (names.get(i)) {
                    case "order_id" -> explain.setString(i + 1, orderId);
                    case "closed_at", "deadline", "paid_at", "requested_at" -> explain.setObject(i + 1, dialect.timestamp(T0));
                    case "lateness_ms", "amount_cents" -> explain.setLong(i + 1, 1L);
                    default -> explain.setString(i + 1, "x");
                }
            }
            try (ResultSet plan = explain.executeQuery()) {
                return ordersIndexIn(plan);
            }
        }
    }

    /** {@code count} orders with ids {@code prefix1..}, all in {@code status}, created in the past. */
    abstract void insertOrders(Connection admin, String prefix, String status, int count) throws SQLException;

    /** What autovacuum (PostgreSQL) or the persistent statistics (InnoDB) do on their own, now. */
    private void analyzeOrders(Connection admin) throws SQLException {
        try (Statement analyze = admin.createStatement()) {
            analyze.execute(analyzeOrdersStatement());
        }
    }

    /** The database's statement that gathers the orders table's statistics. */
    abstract String analyzeOrdersStatement();

    /** The index on the orders table in an EXPLAIN result, or "none". */
    abstract String ordersIndexIn(ResultSet plan) throws SQLException;

    abstract String primaryKeyIndex();

    @Test
    void aReplayReportsTheStoredOutcome() throws Exception {
        insertOrder("o-1", "PENDING_PAYMENT");
        insertOrder("o-2", "PAID");
        JdbcSinkSettings settings = settings(c -> {});
        writeCloses(settings, close("o-1"), close("o-2"));

        // After a restart from an older checkpoint the same decisions come again: the UPDATE now
        // matches nothing, but o-1 was closed by the job and still reports APPLIED.
        List<CloseResult> replayed = writeCloses(settings, close("o-1"), close("o-2"), close("o-1")).outcomes;

        assertThat(outcomeStrings(replayed)).containsExactly("o-1 APPLIED", "o-1 APPLIED", "o-2 NOT_PENDING");
        assertThat(query("SELECT order_id, outcome FROM order_timeout_log ORDER BY order_id"))
                .containsExactly("o-1 APPLIED", "o-2 NOT_PENDING");
    }

    // ---- record errors ---------------------------------------------------------------------------

    @Test
    void aCloseTheDatabaseRejectsIsADeadLetterAndItsBatchNeighboursAreApplied() throws Exception {
        for (String id : List.of("o-1", "o-2", "o-poison", "o-4", "o-5")) {
            insertOrder(id, "PENDING_PAYMENT");
        }
        execute(closeRejectingConstraint("o-poison"));
        try {
            Written<CloseResult> written = writeCloses(settings(c -> c.set(OrderTimeoutOptions.JDBC_BATCH_SIZE, 100)),
                    close("o-1"), close("o-2"), close("o-poison"), close("o-4"), close("o-5"));

            assertThat(outcomeStrings(written.outcomes))
                    .containsExactly("o-1 APPLIED", "o-2 APPLIED", "o-4 APPLIED", "o-5 APPLIED");
            assertThat(written.deadLetters).singleElement().satisfies(letter -> {
                assertThat(letter.sourcePosition).isEqualTo("jdbc/close/o-poison");
                assertThat(letter.reason).contains("SQLState " + constraintSqlState()).contains("rejected the close");
                assertThat(new String(letter.payload, StandardCharsets.UTF_8)).contains("\"orderId\":\"o-poison\"");
            });
            assertThat(query("SELECT order_id, status FROM orders ORDER BY order_id")).containsExactly(
                    "o-1 CLOSED", "o-2 CLOSED", "o-4 CLOSED", "o-5 CLOSED", "o-poison PENDING_PAYMENT");
            // The rejected close left no audit row behind: UPDATE and audit are one transaction.
            assertThat(query("SELECT order_id, outcome FROM order_timeout_log ORDER BY order_id"))
                    .containsExactly("o-1 APPLIED", "o-2 APPLIED", "o-4 APPLIED", "o-5 APPLIED");
        } finally {
            execute(dropCloseRejectingConstraint());
        }
    }

    @Test
    void aRefundATriggerRejectsIsADeadLetterAndTheOthersAreWritten() throws Exception {
        insertOrder("o-1", "CLOSED");
        insertOrder("o-2", "CANCELLED");
        refundRejectingTrigger("p-poison").forEach(this::execute);
        try {
            Written<RefundResult> written = writeRefunds(settings(c -> {}),
                    refund("o-1", "p-1"), refund("o-1", "p-poison"), refund("o-2", "p-2"));

            assertThat(written.outcomes.stream().map(r -> r.refund.paymentId + " " + r.outcome).sorted())
                    .containsExactly("p-1 WRITTEN", "p-2 WRITTEN");
            assertThat(written.deadLetters).singleElement().satisfies(letter -> {
                assertThat(letter.sourcePosition).isEqualTo("jdbc/refund/o-1/p-poison");
                assertThat(letter.reason).contains("SQLState " + triggerSqlState());
            });
            assertThat(query("SELECT order_id, payment_id FROM refund_request ORDER BY payment_id"))
                    .containsExactly("o-1 p-1", "o-2 p-2");
        } finally {
            dropRefundRejectingTrigger().forEach(this::execute);
        }
    }

    // ---- refund guard ----------------------------------------------------------------------------

    @Test
    void refundsAreWrittenOnlyInTheRefundableStatuses() throws Exception {
        insertOrder("o-closed", "CLOSED");
        insertOrder("o-cancelled", "CANCELLED");
        insertOrder("o-paid", "PAID");
        insertOrder("o-pending", "PENDING_PAYMENT");
        insertOrder("o-voided", "VOIDED");
        JdbcSinkSettings defaults = settings(c -> {});

        List<RefundResult> first = writeRefunds(defaults, refund("o-closed", "p-1"), refund("o-cancelled", "p-2"),
                refund("o-paid", "p-3"), refund("o-pending", "p-4"), refund("o-voided", "p-5")).outcomes;
        List<RefundResult> replay = writeRefunds(defaults, refund("o-closed", "p-1")).outcomes;
        List<RefundResult> configured = writeRefunds(
                settings(c -> c.set(OrderTimeoutOptions.DB_REFUNDABLE_STATUSES, "CLOSED,VOIDED")),
                refund("o-voided", "p-5")).outcomes;

        assertThat(first.stream().map(r -> r.refund.orderId + " " + r.outcome).sorted()).containsExactly(
                "o-cancelled WRITTEN", "o-closed WRITTEN", "o-paid BLOCKED_BY_GUARD", "o-pending BLOCKED_BY_GUARD",
                "o-voided BLOCKED_BY_GUARD");
        assertThat(replay).singleElement().extracting(r -> r.outcome).isEqualTo(RefundOutcome.WRITTEN);
        assertThat(configured).singleElement().extracting(r -> r.outcome).isEqualTo(RefundOutcome.WRITTEN);
        assertThat(query("SELECT order_id, payment_id FROM refund_request ORDER BY order_id"))
                .containsExactly("o-cancelled p-2", "o-closed p-1", "o-voided p-5");
    }

    @Test
    void aRefundForAStillPendingOrderWaitsForItsCloseUntilTheNextBarrier() throws Exception {
        insertOrder("o-1", "PENDING_PAYMENT");
        insertOrder("o-2", "PENDING_PAYMENT");
        JdbcSinkSettings settings = settings(c -> {});
        TransactionalJdbcWriter<RefundRequest, RefundResult> writer = new TransactionalJdbcWriter<>(
                new RefundStatements(new OrderStatements(settings), settings.dialect()), settings.connectionOptions(),
                settings.batchSize(), Duration.ofMillis(100), settings.retryPolicy(), true);
        try (OneInputStreamOperatorTestHarness<RefundRequest, RefundResult> harness =
                new OneInputStreamOperatorTestHarness<>(writer)) {
            harness.open();
            harness.processElement(refund("o-1", "p-1"), 0);
            harness.processElement(refund("o-2", "p-2"), 0);
            harness.setProcessingTime(1_000); // the batch interval passes: written, but both orders still pending

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(query("SELECT order_id FROM refund_request")).isEmpty();

            // The job's close of o-1 lands (the close writer flushes before forwarding the barrier).
            writeCloses(settings, close("o-1"));
            harness.prepareSnapshotPreBarrier(1);

            assertThat(harness.extractOutputValues().stream().map(r -> r.refund.orderId + " " + r.outcome).sorted())
                    .containsExactly("o-1 WRITTEN", "o-2 BLOCKED_BY_GUARD");
        }
        assertThat(query("SELECT order_id, payment_id FROM refund_request")).containsExactly("o-1 p-1");
    }

    // ---- transient errors ------------------------------------------------------------------------

    @Test
    void aSessionKilledInTheMiddleOfABatchIsRetriedOnANewConnection() throws Exception {
        insertOrder("o-1", "PENDING_PAYMENT");
        insertOrder("o-2", "PENDING_PAYMENT");
        TransactionalJdbcWriter<CloseCommand, CloseResult> writer = closeWriter(settings(c -> {
            c.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 3);
            c.set(OrderTimeoutOptions.JDBC_RETRY_BACKOFF, Duration.ofMillis(50));
        }));
        CompletableFuture<Written<CloseResult>> written;
        try (Connection admin = database.adminConnection(); Statement lock = admin.createStatement()) {
            admin.setAutoCommit(false);
            lock.executeUpdate("UPDATE orders SET status = status WHERE order_id = 'o-2'"); // holds o-2's row lock
            written = new CompletableFuture<>();
            CompletableFuture<Written<CloseResult>> result = written;
            Thread writing = new Thread(() -> { // its own thread: the common pool may be busy with Flink's work
                try {
                    result.complete(write(writer, close("o-1"), close("o-2")));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }, "writer-under-test");
            writing.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!jobSessionWaitsForALock()) {
                assertThat(written).as("the writer finished without waiting for the row lock").isNotDone();
                assertThat(System.nanoTime()).as("the writer never waited for the row lock").isLessThan(deadline);
                Thread.sleep(20);
            }
            killJobSessions(); // in the middle of the writer's transaction
            admin.rollback();
        }

        assertThat(outcomeStrings(written.get(30, TimeUnit.SECONDS).outcomes))
                .containsExactly("o-1 APPLIED", "o-2 APPLIED");
        assertThat(writer.retryCount()).isPositive();
        assertThat(query("SELECT order_id, status FROM orders ORDER BY order_id")).containsExactly(
                "o-1 CLOSED", "o-2 CLOSED");
    }

    @Test
    void whenRetriesRunOutTheWriterThrowsAndItsCloseDoesNot() throws Exception {
        String unreachable = database.jdbcUrl().replaceFirst("://[^/]+/", "://127.0.0.1:1/");
        TransactionalJdbcWriter<CloseCommand, CloseResult> writer = closeWriter(settings(c -> {
            c.set(OrderTimeoutOptions.JDBC_URL, unreachable);
            c.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 2);
            c.set(OrderTimeoutOptions.JDBC_RETRY_BACKOFF, Duration.ofMillis(10));
        }));
        OneInputStreamOperatorTestHarness<CloseCommand, CloseResult> harness = new OneInputStreamOperatorTestHarness<>(writer);
        harness.open();
        harness.processElement(close("o-1"), 0);

        assertThatThrownBy(() -> harness.prepareSnapshotPreBarrier(1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed after 2 retries");
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.close(); // must not throw: Flink closes operators of a failed task
    }

    // ---- the whole job ------------------------------------------------------------------------------

    @Test
    void aJobWhoseDatabaseRejectsOneCloseClosesAllOthersWithoutARestart() throws Exception {
        List<String> orderIds = List.of("j-1", "j-2", "j-3", "j-poison", "j-5", "j-6");
        for (String id : orderIds) {
            insertOrder(id, "PENDING_PAYMENT");
        }
        execute(closeRejectingConstraint("j-poison"));
        try {
            Configuration config = new Configuration();
            config.set(OrderTimeoutOptions.JDBC_URL, database.jdbcUrl());
            config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
            config.set(OrderTimeoutOptions.JDBC_PASSWORD, JOB_PASSWORD);
            config.set(OrderTimeoutOptions.DB_DEAD_LETTER_TABLE, "order_event_dead_letter");
            config.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 0);
            // A failure would restart the job (and be counted): the test asserts there is none.
            config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(2);
            List<byte[]> payloads = orderIds.stream().map(id -> ("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + id
                    + "\",\"occurredAt\":" + T0 + ",\"payTimeoutSeconds\":60}").getBytes(StandardCharsets.UTF_8))
                    .collect(Collectors.toList());
            OrderTimeoutJob.define(env, config, new ListOrderSource(payloads, Duration.ofSeconds(1)), WallClock.system());

            JobExecutionResult result = env.execute("rejected-close");

            assertThat(query("SELECT order_id, status FROM orders ORDER BY order_id")).containsExactly(
                    "j-1 CLOSED", "j-2 CLOSED", "j-3 CLOSED", "j-5 CLOSED", "j-6 CLOSED", "j-poison PENDING_PAYMENT");
            assertThat(query("SELECT source_position, reason FROM order_event_dead_letter")).singleElement()
                    .satisfies(row -> assertThat(row).startsWith("jdbc/close/j-poison ")
                            .contains("SQLState " + constraintSqlState()));
            Map<String, Long> restarts = gaugeValues(result, "numRestarts");
            assertThat(restarts).as("the job's numRestarts metric").isNotEmpty();
            assertThat(restarts.values()).containsOnly(0L);
            assertThat(counterSum(result, "orderTimeout.appliedCloses")).isEqualTo(5);
            assertThat(counterSum(result, "orderTimeout.sinkRecordsRejected")).isEqualTo(1);
        } finally {
            execute(dropCloseRejectingConstraint());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Whether a session of the job user is waiting for a row lock. */
    abstract boolean jobSessionWaitsForALock() throws SQLException;

    TestDatabase database() {
        return database;
    }

    private JdbcSinkSettings settings(Consumer<Configuration> customize) {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, database.jdbcUrl());
        config.set(OrderTimeoutOptions.JDBC_USER, TestDatabase.JOB_USER);
        config.set(OrderTimeoutOptions.JDBC_PASSWORD, JOB_PASSWORD);
        config.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 0);
        customize.accept(config);
        return JdbcSinkSettings.from(config, Map.of());
    }

    private static TransactionalJdbcWriter<CloseCommand, CloseResult> closeWriter(JdbcSinkSettings settings) {
        return new TransactionalJdbcWriter<>(new CloseStatements(new OrderStatements(settings)),
                settings.connectionOptions(), settings.batchSize(), settings.batchInterval(), settings.retryPolicy(), true);
    }

    private static Written<CloseResult> writeCloses(JdbcSinkSettings settings, CloseCommand... closes) throws Exception {
        return write(closeWriter(settings), closes);
    }

    private static Written<RefundResult> writeRefunds(JdbcSinkSettings settings, RefundRequest... refunds)
            throws Exception {
        return write(new TransactionalJdbcWriter<>(new RefundStatements(new OrderStatements(settings), settings.dialect()),
                settings.connectionOptions(), settings.batchSize(), settings.batchInterval(), settings.retryPolicy(), true),
                refunds);
    }

    /** Feeds the records as one batch and ends the input; what was emitted. */
    @SafeVarargs
    private static <IN, OUT> Written<OUT> write(TransactionalJdbcWriter<IN, OUT> writer, IN... records) throws Exception {
        try (OneInputStreamOperatorTestHarness<IN, OUT> harness = new OneInputStreamOperatorTestHarness<>(writer)) {
            harness.open();
            for (IN record : records) {
                harness.processElement(record, 0);
            }
            harness.endInput();
            List<DeadLetter> deadLetters = new ArrayList<>();
            var side = harness.getSideOutput(TransactionalJdbcWriter.REJECTED);
            if (side != null) {
                side.stream().map(StreamRecord::getValue).forEach(deadLetters::add);
            }
            return new Written<>(harness.extractOutputValues(), deadLetters);
        }
    }

    private record Written<OUT>(List<OUT> outcomes, List<DeadLetter> deadLetters) {}

    private static List<String> outcomeStrings(List<CloseResult> outcomes) {
        return outcomes.stream().map(r -> r.close.orderId + " " + r.outcome).sorted().toList();
    }

    private static CloseCommand close(String orderId) {
        return new CloseCommand(orderId, DEADLINE, DECIDED_AT);
    }

    private static RefundRequest refund(String orderId, String paymentId) {
        RefundRequest refund = new RefundRequest();
        refund.orderId = orderId;
        refund.paymentId = paymentId;
        refund.reason = RefundReason.PAID_AFTER_CLOSE;
        refund.paidAt = DECIDED_AT + 5_000;
        refund.requestedAt = DECIDED_AT + 6_000;
        return refund;
    }

    private void insertOrder(String orderId, String status) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement insert = admin.prepareStatement(
                        "INSERT INTO orders (order_id, status, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, orderId);
            insert.setString(2, status);
            insert.setObject(3, (database.kind() == TestDatabase.Kind.POSTGRES ? SqlDialect.POSTGRES : SqlDialect.MYSQL)
                    .timestamp(T0));
            insert.executeUpdate();
        }
    }

    void execute(String sql) {
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(result.getString(i));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Long> gaugeValues(JobExecutionResult result, String name) {
        Map<String, Long> values = new TreeMap<>();
        metrics.findMetrics(result.getJobID(), name).forEach((identifier, metric) -> {
            if (metric instanceof Gauge<?> gauge && identifier.endsWith("." + name)) {
                values.put(identifier, ((Number) ((Gauge<Object>) gauge).getValue()).longValue());
            }
        });
        return values;
    }

    private long counterSum(JobExecutionResult result, String name) {
        return metrics.findMetrics(result.getJobID(), name).values().stream()
                .mapToLong(metric -> ((org.apache.flink.metrics.Counter) metric).getCount())
                .sum();
    }
}
