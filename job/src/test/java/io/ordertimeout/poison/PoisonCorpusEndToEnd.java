package io.ordertimeout.poison;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.event.DeadLetter;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.testkit.db.TestDatabase;
import io.ordertimeout.testkit.poison.PoisonCase;
import io.ordertimeout.testkit.poison.PoisonCorpus;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import io.ordertimeout.time.WallClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The poison corpus through the real broker into the whole job, mixed with normal orders and
 * orders whose events carry a field the schema cannot store (DESIGN.md §2, issue 8): every
 * poison message ends as a dead letter with its reason in the dead-letter table, the job never
 * restarts although its restart strategy would, every unpaid order closes on time and every late
 * payment gets its refund row, without the field that could not be stored. One subclass per
 * database; the broker and the database start once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PoisonCorpusEndToEnd {

    private static final String PASSWORD = "poison-job-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAY_TIMEOUT_SECONDS = 3;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(fastMetrics())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private EmbeddedRocketMq broker;
    private TestDatabase database;
    private SqlFlavor flavor;

    /** Starts the database with the schema of {@code sql/} applied. */
    abstract TestDatabase startDatabase();

    private static Configuration fastMetrics() {
        Configuration config = new Configuration();
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        return config;
    }

    @BeforeAll
    void startServers() {
        broker = EmbeddedRocketMq.start();
        database = startDatabase();
        database.applySchema();
        database.createJobUser(PASSWORD);
        flavor = SqlFlavor.fromJdbcUrl(database.jdbcUrl());
    }

    @AfterAll
    void stopServers() {
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private Configuration jobConfig(String topic) {
        Configuration config = new Configuration();
        config.setString("order-timeout.rocketmq.namesrv-addr", broker.nameServerAddress());
        config.setString("order-timeout.rocketmq.topic", topic);
        config.setString("order-timeout.rocketmq.consumer-group", "order-timeout-" + topic);
        config.setString("order-timeout.rocketmq.queue-discovery-interval", "1 s");
        config.setString("order-timeout.watermark.out-of-orderness", "1 s");
        config.setString("order-timeout.watermark.idle-timeout", "1 s");
        config.setString("order-timeout.jdbc.url", database.jdbcUrl());
        config.setString("order-timeout.jdbc.user", TestDatabase.JOB_USER);
        config.setString("order-timeout.jdbc.password", PASSWORD);
        config.setString("order-timeout.db.dead-letter-table", "order_event_dead_letter");
        config.setString("execution.checkpointing.interval", "500 ms");
        // A strategy that WOULD restart: a failure shows up as numRestarts > 0, not as a failed job.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return config;
    }

    @Test
    void poisonBecomesDeadLettersWithReasonsOrdersEndAsExpectedAndTheJobNeverRestarts() throws Exception {
        String topic = "poison-" + database.kind().name().toLowerCase();
        broker.createTopic(topic, 4);
        Configuration config = jobConfig(topic);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        OrderTimeoutJob.define(env, config, RocketMqOrderSource.from(config), WallClock.system());
        JobClient job = env.executeAsync("poison-corpus-" + topic);
        List<PoisonCase> corpus = PoisonCorpus.load().stream().filter(PoisonCase::sendable).collect(Collectors.toList());
        try (RocketMqEventPublisher publisher =
                RocketMqEventPublisher.start(broker.nameServerAddress(), topic, "poison-producer-" + topic)) {
            awaitTrue("job running", Duration.ofSeconds(60), () -> job.getJobStatus().get() == JobStatus.RUNNING);
            for (PoisonCase poison : corpus) {
                publisher.publish("poison-" + poison.name(), "POISON", poison.payload());
            }
            runOrders(publisher);
            int expectedDeadLetters = corpus.stream().mapToInt(PoisonCase::expectedDeadLetters).sum()
                    + LIVE_DROPPED_FIELDS;
            awaitTrue("dead letters written", SETTLE_TIMEOUT, () -> deadLetters().size() >= expectedDeadLetters);

            assertDeadLetters(corpus);
            assertOrders();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertNoRestart(job);
            long droppedFields = corpus.stream().mapToLong(c -> c.droppedFields().size()).sum() + LIVE_DROPPED_FIELDS;
            awaitTrue("droppedFields metric = " + droppedFields, Duration.ofSeconds(15),
                    () -> routerMetricSum(job, "droppedFields") == droppedFields);
            awaitTrue("deadLetters metric = " + expectedDeadLetters, Duration.ofSeconds(15),
                    () -> routerMetricSum(job, "deadLetters") == expectedDeadLetters);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    // ---- the orders -------------------------------------------------------------------------------

    /** Fields dropped from the live orders' events: C, D, E at CREATED, F and G at PAID. */
    private static final int LIVE_DROPPED_FIELDS = 5;

    private void runOrders(RocketMqEventPublisher publisher) throws Exception {
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 3; i++) {
            create(publisher, "unpaid-" + i, now, "user-a", "EUR");
            create(publisher, "paid-" + i, now, "user-b", "EUR");
        }
        create(publisher, "bad-currency-unpaid", now, "user-c", "EURO");
        create(publisher, "bad-user-late", now, "u".repeat(100), "EUR");
        create(publisher, "bad-currency-late", now, "user-e", "EURO");
        create(publisher, "bad-payment-late", now, "user-f", "USD");
        create(publisher, "nul-payment-late", now, "user-g", "USD");
        for (int i = 1; i <= 3; i++) {
            // The payment service writes the row before it publishes (DESIGN.md §4).
            updateStatus("paid-" + i, "PAID");
            pay(publisher, "paid-" + i, now + 500, "pay-paid-" + i);
        }
        List<String> late = List.of("bad-user-late", "bad-currency-late", "bad-payment-late", "nul-payment-late");
        awaitTrue("unpaid orders closed", SETTLE_TIMEOUT, () -> statuses().entrySet().stream()
                .filter(row -> late.contains(row.getKey()) || row.getKey().startsWith("unpaid-"))
                .allMatch(row -> row.getValue().equals("CLOSED")));
        // Late payments: the payment service found no pending row and publishes anyway.
        long later = System.currentTimeMillis();
        pay(publisher, "bad-user-late", later, "pay-user");
        pay(publisher, "bad-currency-late", later, "pay-currency");
        pay(publisher, "bad-payment-late", later, "p".repeat(200));
        pay(publisher, "nul-payment-late", later, "pay-\\u0000");
        awaitTrue("late payments refunded", SETTLE_TIMEOUT, () -> refunds().size() >= late.size());
    }

    private void create(RocketMqEventPublisher publisher, String orderId, long occurredAt, String userId,
            String currency) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement insert = admin.prepareStatement("INSERT INTO orders (order_id, user_id, amount_cents,"
                        + " currency, status, created_at) VALUES (?, NULL, 1299, NULL, 'PENDING_PAYMENT', ?)")) {
            insert.setString(1, orderId);
            flavor.setTimestamp(insert, 2, Instant.ofEpochMilli(occurredAt));
            insert.executeUpdate();
        }
        publisher.publish(orderId, "ORDER_CREATED", ("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + orderId
                + "\",\"occurredAt\":" + occurredAt + ",\"payTimeoutSeconds\":" + PAY_TIMEOUT_SECONDS
                + ",\"userId\":\"" + userId + "\",\"amountCents\":1299,\"currency\":\"" + currency + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void pay(RocketMqEventPublisher publisher, String orderId, long occurredAt, String paymentIdJson) {
        publisher.publish(orderId, "ORDER_PAID", ("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + orderId
                + "\",\"occurredAt\":" + occurredAt + ",\"paymentId\":\"" + paymentIdJson + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void updateStatus(String orderId, String status) throws SQLException {
        try (Connection admin = database.adminConnection();
                PreparedStatement update = admin.prepareStatement("UPDATE orders SET status = ? WHERE order_id = ?")) {
            update.setString(1, status);
            update.setString(2, orderId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private void assertOrders() throws SQLException {
        Map<String, String> statuses = statuses();
        assertThat(statuses).as("order statuses").containsOnly(
                Map.entry("unpaid-1", "CLOSED"), Map.entry("unpaid-2", "CLOSED"), Map.entry("unpaid-3", "CLOSED"),
                Map.entry("paid-1", "PAID"), Map.entry("paid-2", "PAID"), Map.entry("paid-3", "PAID"),
                Map.entry("bad-currency-unpaid", "CLOSED"), Map.entry("bad-user-late", "CLOSED"),
                Map.entry("bad-currency-late", "CLOSED"), Map.entry("bad-payment-late", "CLOSED"),
                Map.entry("nul-payment-late", "CLOSED"));
        // Refund rows carry what could be stored, without the dropped field.
        assertThat(refunds()).as("refund rows: order | payment | user | amount | currency").containsExactlyInAnyOrder(
                "bad-user-late | pay-user | null | 1299 | EUR",
                "bad-currency-late | pay-currency | user-e | 1299 | null",
                "bad-payment-late |  | user-f | 1299 | USD",
                "nul-payment-late |  | user-g | 1299 | USD");
        List<String> audited = queryStrings("SELECT order_id FROM order_timeout_log");
        assertThat(audited).as("close decisions").contains("unpaid-1", "unpaid-2", "unpaid-3", "bad-currency-unpaid",
                "bad-user-late", "bad-currency-late", "bad-payment-late", "nul-payment-late")
                .doesNotContain("paid-1", "paid-2", "paid-3");
    }

    private Map<String, String> statuses() throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        for (String row : queryStrings("SELECT order_id, status FROM orders")) {
            String[] parts = row.split(" \\| ");
            statuses.put(parts[0], parts[1]);
        }
        return statuses;
    }

    private List<String> refunds() throws SQLException {
        return queryStrings("SELECT order_id, payment_id, user_id, amount_cents, currency FROM refund_request");
    }

    /** Each row's columns joined by " | ". */
    private List<String> queryStrings(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    String value = result.getString(i);
                    values.add(value == null ? "null" : value.trim());
                }
                rows.add(String.join(" | ", values));
            }
        }
        return rows;
    }

    // ---- the dead letters -------------------------------------------------------------------------

    private record StoredDeadLetter(String reason, String payload, String sourcePosition) {}

    private List<StoredDeadLetter> deadLetters() throws SQLException {
        List<StoredDeadLetter> rows = new ArrayList<>();
        try (Connection admin = database.adminConnection(); Statement statement = admin.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT reason, payload, source_position FROM order_event_dead_letter")) {
            while (result.next()) {
                rows.add(new StoredDeadLetter(result.getString(1), result.getString(2), result.getString(3)));
            }
        }
        return rows;
    }

    private void assertDeadLetters(List<PoisonCase> corpus) throws SQLException {
        List<StoredDeadLetter> stored = deadLetters();
        Map<String, List<StoredDeadLetter>> byPayload = stored.stream()
                .collect(Collectors.groupingBy(StoredDeadLetter::payload));
        List<String> problems = new ArrayList<>();
        for (PoisonCase poison : corpus) {
            String payload = new DeadLetter(poison.payload(), null, null, 0).payloadForDisplay();
            List<String> reasons = byPayload.getOrDefault(payload, List.of()).stream()
                    .map(StoredDeadLetter::reason).sorted().collect(Collectors.toList());
            if (reasons.size() != poison.expectedDeadLetters()) {
                problems.add(poison + ": " + poison.expectedDeadLetters() + " dead letters expected, found " + reasons);
            } else if (poison.rejected() && !reasons.get(0).contains(poison.rejectedReason())) {
                problems.add(poison + ": reason '" + reasons.get(0) + "' lacks '" + poison.rejectedReason() + "'");
            } else {
                poison.droppedFields().forEach((field, fragment) -> {
                    if (reasons.stream().noneMatch(r -> r.startsWith("field " + field + " dropped: ") && r.contains(fragment))) {
                        problems.add(poison + ": no dead letter 'field " + field + " dropped: ..." + fragment + "' in " + reasons);
                    }
                });
            }
        }
        assertThat(problems).as("poison cases without their dead letter").isEmpty();
        assertThat(stored).as("every dead letter records where it was read")
                .allSatisfy(row -> assertThat(row.sourcePosition()).matches("poison-\\w+/broker-a/[0-3]/\\d+"));
        assertThat(stored.stream().map(StoredDeadLetter::reason).filter(r -> r.startsWith("field ")).count())
                .as("dropped-field dead letters of corpus and live orders")
                .isEqualTo(corpus.stream().filter(c -> !c.rejected()).mapToLong(c -> c.droppedFields().size()).sum()
                        + LIVE_DROPPED_FIELDS);
        assertThat(stored).as("all dead letters, none extra").hasSize(
                corpus.stream().mapToInt(PoisonCase::expectedDeadLetters).sum() + LIVE_DROPPED_FIELDS);
    }

    // ---- restarts ---------------------------------------------------------------------------------

    private static void assertNoRestart(JobClient job) throws Exception {
        URI rest = restAddress();
        String jobPath = "jobs/" + job.getJobID();
        JsonNode[] numRestarts = new JsonNode[1];
        awaitTrue("numRestarts metric served", Duration.ofSeconds(30), () -> {
            for (JsonNode metric : get(rest, jobPath + "/metrics?get=numRestarts")) {
                numRestarts[0] = metric.get("value");
            }
            return numRestarts[0] != null;
        });
        assertThat(numRestarts[0].asLong())
                .as("numRestarts; failures: %s", get(rest, jobPath + "/exceptions").path("exceptionHistory"))
                .isZero();
    }

    /** A counter of the "Route dead letters" operator, summed over its subtasks; -1 while not served. */
    private static long routerMetricSum(JobClient job, String counter) throws Exception {
        URI rest = restAddress();
        String jobPath = "jobs/" + job.getJobID();
        for (JsonNode vertex : get(rest, jobPath).path("vertices")) {
            if (vertex.path("name").asText().contains("Route dead letters")) {
                for (JsonNode metric : get(rest, jobPath + "/vertices/" + vertex.path("id").asText()
                        + "/subtasks/metrics?get=Route_dead_letters.orderTimeout." + counter + "&agg=sum")) {
                    return metric.path("sum").asLong();
                }
            }
        }
        return -1;
    }

    private static URI restAddress() {
        Configuration client = MINI_CLUSTER.getClientConfiguration();
        return URI.create("http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT) + "/");
    }

    private static JsonNode get(URI rest, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitTrue(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("%s within %s", what, timeout).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
