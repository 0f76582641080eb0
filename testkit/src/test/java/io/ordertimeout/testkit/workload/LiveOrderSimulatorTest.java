package io.ordertimeout.testkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live simulator against a real PostgreSQL, with an in-memory publisher. A stand-in for the
 * job applies the database contract (close pending orders past deadline + bound, refund payments
 * of closed or cancelled orders), so the simulator's own ground truth can be judged by
 * GroundTruthCheck, including the races of late payments.
 */
class LiveOrderSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SqlFlavor FLAVOR = SqlFlavor.POSTGRES;
    private static final Duration PAY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofMillis(500);
    private static EmbeddedPostgresDatabase postgres;
    private static Connection connection;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgresDatabase.start();
        postgres.applySchema();
        connection = postgres.adminConnection();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        postgres.deleteAllRows();
    }

    @Test
    void producesAValidMixWritingTheDatabaseBeforePublishingAndItsGroundTruthHolds() throws Exception {
        InMemoryEventPublisher published = new InMemoryEventPublisher();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<String> cancelsOfPaidOrders = new CopyOnWriteArrayList<>();
        EventPublisher checking = new DatabaseFirstChecker(published, violations, cancelsOfPaidOrders);
        Map<Category, Double> evenMix = new EnumMap<>(Category.class);
        for (Category category : Category.values()) {
            if (category.isMixable()) {
                evenMix.put(category, 1.0);
            }
        }
        ScheduledExecutorService jobStandIn = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        try (LiveOrderSimulator simulator = LiveOrderSimulator.builder()
                .publisher(checking)
                .database(postgres::adminConnection, FLAVOR)
                .ordersPerSecond(40)
                .maxOrders(80)
                .payTimeout(PAY_TIMEOUT)
                .latePaymentDelay(Duration.ofMillis(1500))
                .mix(evenMix)
                .invalidFraction(0.1)
                .seed(3)
                .build()) {
            jobStandIn.scheduleWithFixedDelay(LiveOrderSimulatorTest::closeOverdueOrders, 0, 100, TimeUnit.MILLISECONDS);
            simulator.start();
            assertThat(simulator.awaitFollowUps(Duration.ofSeconds(30))).isTrue();
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            awaitNoOverdueOrders();
            jobStandIn.shutdown();
            assertThat(jobStandIn.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            refundPaymentsOfClosedOrCancelledOrders(published.messages());

            LiveCounters counters = simulator.counters();
            assertThat(violations).isEmpty();
            assertThat(counters.created()).isEqualTo(80);
            assertThat(counters.failures()).isZero();
            assertThat(counters.backlog()).isZero();
            assertThat(counters.latePaid()).isPositive();
            assertThat(counters.paidAfterCancel()).isPositive();
            assertThat(counters.duplicatesSent()).isPositive();
            assertThat(counters.outOfOrder()).isPositive();
            assertThat(counters.cancelsAfterPayment()).isPositive().isEqualTo(cancelsOfPaidOrders.size());
            assertThat(counters.invalidSent()).isPositive();
            assertThat(counters.toString()).contains("created=80 ");
            // 80 orders at 40/s, the last followed by a late payment after timeout + 1.5..2.25 s.
            assertThat(elapsedMs).isBetween(3_500L + 1_900L, 15_000L);

            ExpectedOutcome expected = simulator.expectedOutcome();
            assertThat(expected.orders()).hasSize(80);
            assertThat(expected.categoryCounts().keySet()).containsAll(evenMix.keySet());
            assertThat(expected.deadLetters()).isEqualTo((int) counters.invalidSent());
            assertThat(expected.refunds()).hasSize((int) (counters.latePaid() + counters.paidAfterCancel()));
            assertThat(expected.guardedRefundRequests()).isEqualTo(cancelsOfPaidOrders.size());
            // Only the shop of a pay-then-cancel order publishes a cancel of a paid order.
            assertThat(cancelsOfPaidOrders).allSatisfy(orderId -> assertThat(expected.order(orderId).category())
                    .isEqualTo(Category.PAID_THEN_CANCELLED_SOON));
            assertThat(expected.orders().values().stream()
                    .filter(order -> order.category() == Category.CANCELLED_THEN_PAID_SOON))
                    .isNotEmpty()
                    .allSatisfy(order -> assertThat(order.finalStatus()).isEqualTo(OrderRowStatus.CANCELLED));
            assertPublishedMessagesFitThePlan(published.messages(), expected, counters);

            GroundTruthReport report = new GroundTruthCheck().check(connection, expected);
            assertThat(report.passed()).as(report.summary()).isTrue();
            assertThat(report.lateness().count()).isEqualTo(expected.auditOrderIds().size()).isPositive();
        } finally {
            jobStandIn.shutdownNow();
        }
    }

    @Test
    void closeStopsAtOnceAndKeepsTheExpectationsConsistentWithTheDatabase() throws Exception {
        InMemoryEventPublisher published = new InMemoryEventPublisher();
        LiveOrderSimulator simulator = LiveOrderSimulator.builder()
                .publisher(published)
                .database(postgres::adminConnection, FLAVOR)
                .ordersPerSecond(200)
                .payTimeout(Duration.ofSeconds(30))
                .maxDuration(Duration.ofMinutes(5))
                .build();
        simulator.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (simulator.counters().created() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(simulator.isCreating()).isTrue();
        simulator.close();

        assertThat(simulator.isCreating()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                thread -> thread.isAlive() && thread.getName().startsWith("live-orders-"));
        LiveCounters counters = simulator.counters();
        ExpectedOutcome expected = simulator.expectedOutcome();
        assertThat(expected.orders()).hasSize((int) counters.created());
        assertThat(counters.backlog()).isZero();
        DatabaseSnapshot snapshot = DatabaseSnapshot.read(connection);
        for (ExpectedOrder order : expected.orders().values()) {
            String status = snapshot.orders().get(order.orderId()).status();
            // No job ran: what the simulator expects to be closed is still pending.
            String inDatabase = order.finalStatus() == OrderRowStatus.CLOSED ? "PENDING_PAYMENT" : order.finalStatus().name();
            assertThat(status).as(order.orderId()).isEqualTo(inDatabase);
        }
        int sentAfterClose = published.size();
        Thread.sleep(300); // nothing may be published after close(): a quiet period is the point here
        assertThat(published.size()).isEqualTo(sentAfterClose);
    }

    @Test
    void creationEndsByItselfAfterMaxDuration() throws Exception {
        InMemoryEventPublisher published = new InMemoryEventPublisher();
        try (LiveOrderSimulator simulator = LiveOrderSimulator.builder()
                .publisher(published)
                .database(postgres::adminConnection, FLAVOR)
                .ordersPerSecond(100)
                .maxDuration(Duration.ofMillis(300))
                .fraction(Category.PAID_IN_TIME, 0) // keep follow-ups out of this test's way
                .build()) {
            simulator.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (simulator.isCreating() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(simulator.isCreating()).isFalse();
            // 100/s for 0.3 s: about 30 orders, whatever the scheduling noise of a busy machine.
            assertThat(simulator.expectedOutcome().orders().size()).isBetween(20, 40);
        }
    }

    /**
     * Before each publish, the database must already show what the event announces. A cancel of an
     * order whose row says PAID is collected apart: only a pay-then-cancel shop may publish one.
     */
    private static final class DatabaseFirstChecker implements EventPublisher {
        private final EventPublisher delegate;
        private final List<String> violations;
        private final List<String> cancelsOfPaidOrders;

        DatabaseFirstChecker(EventPublisher delegate, List<String> violations, List<String> cancelsOfPaidOrders) {
            this.delegate = delegate;
            this.violations = violations;
            this.cancelsOfPaidOrders = cancelsOfPaidOrders;
        }

        @Override
        public void publish(String key, String tag, byte[] json) {
            JsonNode node;
            try {
                node = JSON.readTree(json);
            } catch (Exception invalid) {
                node = null;
            }
            boolean valid = node != null && node.hasNonNull("orderId") && node.path("orderId").asText().equals(key)
                    && tag.equals(node.path("type").asText());
            if (valid) {
                String status = statusOf(key);
                if (tag.equals("ORDER_CANCELLED") && "PAID".equals(status)) {
                    cancelsOfPaidOrders.add(key);
                    delegate.publish(key, tag, json);
                    return;
                }
                boolean ok = switch (tag) {
                    case "ORDER_CREATED" -> status != null;
                    case "ORDER_PAID" -> status != null && !status.equals("PENDING_PAYMENT");
                    case "ORDER_CANCELLED" -> "CANCELLED".equals(status);
                    default -> false;
                };
                if (!ok) {
                    violations.add(tag + " for " + key + " published while the row is " + status);
                }
            }
            delegate.publish(key, tag, json);
        }
    }

    private static synchronized String statusOf(String orderId) {
        try (PreparedStatement select = connection.prepareStatement("SELECT status FROM orders WHERE order_id=?")) {
            select.setString(1, orderId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The job stand-in's timer: close what is pending past deadline + bound, with the contract's statements. */
    private static synchronized void closeOverdueOrders() {
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        List<Instant> deadlines = new ArrayList<>();
        try {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT order_id, created_at FROM orders WHERE status='PENDING_PAYMENT' AND created_at < ?")) {
                FLAVOR.setTimestamp(select, 1, now.minus(PAY_TIMEOUT).minus(BOUND));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        deadlines.add(FLAVOR.getTimestamp(rs, "created_at").plus(PAY_TIMEOUT));
                    }
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                ReferenceOutcomeWriter.close(connection, FLAVOR, ids.get(i), deadlines.get(i), now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitNoOverdueOrders() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (pendingCount() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(pendingCount()).as("orders still pending").isZero();
    }

    private static synchronized int pendingCount() throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM orders WHERE status='PENDING_PAYMENT'");
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The job stand-in's refunds: a payment of a closed or cancelled (never a paid) order. */
    private static void refundPaymentsOfClosedOrCancelledOrders(List<InMemoryEventPublisher.Published> messages)
            throws Exception {
        for (InMemoryEventPublisher.Published message : messages) {
            if (!message.tag().equals("ORDER_PAID")) {
                continue;
            }
            JsonNode node = JSON.readTree(message.json());
            String orderId = node.get("orderId").asText();
            String status = statusOf(orderId);
            String reason = "CLOSED".equals(status) ? "PAID_AFTER_CLOSE" : "CANCELLED".equals(status) ? "PAID_AFTER_CANCEL" : null;
            if (reason != null) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO refund_request "
                        + "(order_id, payment_id, reason, requested_at) VALUES (?,?,?,now()) ON CONFLICT DO NOTHING")) {
                    insert.setString(1, orderId);
                    insert.setString(2, node.path("paymentId").asText(""));
                    insert.setString(3, reason);
                    insert.executeUpdate();
                }
            }
        }
    }

    private static void assertPublishedMessagesFitThePlan(List<InMemoryEventPublisher.Published> messages,
            ExpectedOutcome expected, LiveCounters counters) throws Exception {
        Map<String, String> firstTagByOrder = new HashMap<>();
        Set<String> eventIds = new HashSet<>();
        int createdEvents = 0;
        int repeatedEvents = 0;
        int invalidMessages = 0;
        for (InMemoryEventPublisher.Published message : messages) {
            ExpectedOrder order = expected.order(message.key());
            if (order == null) {
                invalidMessages++;
                continue;
            }
            JsonNode node = JSON.readTree(message.json());
            firstTagByOrder.putIfAbsent(message.key(), message.tag());
            if (!eventIds.add(node.get("eventId").asText())) {
                repeatedEvents++;
            } else if (message.tag().equals("ORDER_CREATED")) {
                createdEvents++;
                assertThat(node.get("payTimeoutSeconds").asInt()).isEqualTo(PAY_TIMEOUT.getSeconds());
            }
        }
        assertThat(createdEvents).isEqualTo(expected.orders().size());
        assertThat(repeatedEvents).isEqualTo((int) counters.duplicatesSent());
        assertThat(invalidMessages).isEqualTo(expected.deadLetters());
        for (ExpectedOrder order : expected.orders().values()) {
            String firstTag = firstTagByOrder.get(order.orderId());
            if (order.category() == Category.OUT_OF_ORDER) {
                assertThat(firstTag).as(order.orderId()).isIn("ORDER_PAID", "ORDER_CANCELLED");
            } else {
                assertThat(firstTag).as(order.orderId()).isEqualTo("ORDER_CREATED");
            }
        }
    }
}
