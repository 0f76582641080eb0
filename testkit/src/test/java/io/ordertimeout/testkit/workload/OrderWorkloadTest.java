package io.ordertimeout.testkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OrderWorkloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorkloadSpec SPEC = WorkloadSpec.builder().orderCount(10_000).seed(7).build();
    private static OrderWorkload workload;

    @BeforeAll
    static void generate() {
        workload = OrderWorkload.generate(SPEC);
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        OrderWorkload again = OrderWorkload.generate(SPEC);
        assertThat(fingerprint(again)).isEqualTo(fingerprint(workload));
        assertThat(again.expected().orders()).isEqualTo(workload.expected().orders());
        assertThat(again.expected().refunds()).isEqualTo(workload.expected().refunds());
        assertThat(again.initialRows()).isEqualTo(workload.initialRows());

        OrderWorkload other = OrderWorkload.generate(WorkloadSpec.builder().orderCount(10_000).seed(8).build());
        assertThat(fingerprint(other)).isNotEqualTo(fingerprint(workload));
    }

    @Test
    void categoryCountsFollowTheMixExactly() {
        Map<Category, Integer> counts = workload.expected().categoryCounts();
        double total = SPEC.mix().values().stream().mapToDouble(Double::doubleValue).sum();
        SPEC.mix().forEach((category, fraction) ->
                assertThat((double) counts.getOrDefault(category, 0))
                        .as(category.name())
                        .isCloseTo(SPEC.orderCount() * fraction / total, within(1.0)));
        int requested = counts.entrySet().stream().filter(e -> e.getKey() != Category.FILLER)
                .mapToInt(Map.Entry::getValue).sum();
        assertThat(requested).isEqualTo(SPEC.orderCount());
        assertThat(counts.get(Category.FILLER)).isEqualTo(workload.fillerOrders()).isPositive();
        assertThat(workload.expected().deadLetters()).isEqualTo(SPEC.invalidMessages());
        assertThat(workload.events().stream().filter(e -> !e.isValid())).hasSize(SPEC.invalidMessages());
        assertThat(workload.events().stream().filter(WorkloadEvent::isDuplicate))
                .hasSizeGreaterThanOrEqualTo(counts.get(Category.DUPLICATED));
    }

    @Test
    void expectedOutcomeFollowsTheStateMachine() {
        ExpectedOutcome expected = workload.expected();
        Map<String, ExpectedRefund> refunds = new HashMap<>();
        expected.refunds().forEach(refund -> refunds.put(refund.orderId(), refund));
        for (ExpectedOrder order : expected.orders().values()) {
            switch (order.baseCategory()) {
                case PAID_IN_TIME, FILLER -> assertThat(order.finalStatus()).isEqualTo(OrderRowStatus.PAID);
                case NEVER_PAID, PAID_LATE -> assertThat(order.finalStatus()).isEqualTo(OrderRowStatus.CLOSED);
                case CANCELLED, CANCELLED_THEN_PAID, CANCELLED_THEN_PAID_SOON ->
                        assertThat(order.finalStatus()).isEqualTo(OrderRowStatus.CANCELLED);
                case PAID_THEN_CANCELLED_SOON -> assertThat(order.finalStatus()).isEqualTo(OrderRowStatus.PAID);
                case OUT_OF_ORDER -> assertThat(order.finalStatus()).isIn(OrderRowStatus.PAID, OrderRowStatus.CANCELLED);
                default -> throw new AssertionError("unexpected base " + order);
            }
            // A cancelled order paid after its deadline: read before the cancel, the payment is one
            // after a close to the job (DESIGN.md §3), so a close decision that finds the row
            // cancelled is allowed, and its refund may be labelled PAID_AFTER_CLOSE.
            boolean paidAfterDeadlineOfCancelled = order.baseCategory() == Category.CANCELLED_THEN_PAID
                    && workload.events().stream().anyMatch(event -> event.isValid()
                            && event.orderId().equals(order.orderId()) && event.kind() == EventKind.PAID
                            && event.eventTime() >= order.deadline().toEpochMilli());
            assertThat(order.audit()).isEqualTo(order.finalStatus() == OrderRowStatus.CLOSED
                    ? AuditExpectation.REQUIRED
                    : paidAfterDeadlineOfCancelled ? AuditExpectation.ALLOWED : AuditExpectation.FORBIDDEN);
            ExpectedRefund refund = refunds.get(order.orderId());
            if (refund != null) {
                assertThat(refund.alsoAccepted()).isEqualTo(
                        paidAfterDeadlineOfCancelled ? ExpectedRefund.Reason.PAID_AFTER_CLOSE : null);
            }
            if (order.baseCategory() == Category.PAID_LATE) {
                assertThat(refund.reason()).isEqualTo(ExpectedRefund.Reason.PAID_AFTER_CLOSE);
            } else if (order.baseCategory() == Category.CANCELLED_THEN_PAID
                    || order.baseCategory() == Category.CANCELLED_THEN_PAID_SOON) {
                assertThat(refund.reason()).isEqualTo(ExpectedRefund.Reason.PAID_AFTER_CANCEL);
            } else {
                assertThat(refund).as(order.orderId()).isNull();
            }
            assertThat(order.deadline()).isEqualTo(order.createdAt().plus(SPEC.payTimeout()));
        }
        // The job requests a refund of every pay-then-cancel order's payment; the guard turns it down.
        assertThat(expected.guardedRefundRequests())
                .isEqualTo(expected.categoryCounts().get(Category.PAID_THEN_CANCELLED_SOON)).isPositive();
        // The payment service has written PAID/CANCELLED before publishing; late payments found the order closed.
        for (InitialOrderRow row : workload.initialRows()) {
            OrderRowStatus finalStatus = expected.order(row.orderId()).finalStatus();
            assertThat(row.status()).isEqualTo(
                    finalStatus == OrderRowStatus.CLOSED ? OrderRowStatus.PENDING_PAYMENT : finalStatus);
        }
        assertThat(workload.initialRows()).hasSize(expected.orders().size());
    }

    /** Recomputes the job's watermark, (max eventTime seen) − B − 1 ms, over the emitted list. */
    @Test
    void emissionOrderKeepsEveryOutcomeDeterministicUnderTheJobsWatermark() {
        long bound = SPEC.outOfOrderness().toMillis();
        long jitter = SPEC.jitter().toMillis();
        ExpectedOutcome expected = workload.expected();
        List<Long> seen = new ArrayList<>();
        long maxSeen = Long.MIN_VALUE;
        Map<String, List<EventKind>> kindsByOrder = new HashMap<>();
        int latePayments = 0;
        for (WorkloadEvent event : workload.events()) {
            if (!event.isValid()) {
                continue;
            }
            long watermark = maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - bound - 1;
            assertThat(event.eventTime()).as("no event is behind the watermark: %s", event).isGreaterThan(watermark);
            ExpectedOrder order = expected.order(event.orderId());
            long deadline = order.deadline().toEpochMilli();
            Category base = order.baseCategory();
            boolean mustBeatDeadline = base == Category.OUT_OF_ORDER
                    || base == Category.CANCELLED_THEN_PAID_SOON || base == Category.PAID_THEN_CANCELLED_SOON
                    || (event.kind() == EventKind.PAID && (base == Category.PAID_IN_TIME || base == Category.FILLER))
                    || event.kind() == EventKind.CANCELLED;
            if (mustBeatDeadline) {
                assertThat(watermark).as("read before the watermark can pass the deadline: %s", event)
                        .isLessThan(deadline);
                if (event.kind() != EventKind.CREATED) {
                    assertThat(event.eventTime()).isLessThanOrEqualTo(deadline - bound - jitter);
                }
            }
            if (event.kind() == EventKind.PAID && base == Category.PAID_LATE) {
                latePayments++;
                long threshold = deadline + bound + 1000;
                long witnesses = seen.stream().filter(t -> t >= threshold).count();
                assertThat(witnesses).as("events past deadline + B + 1 s before %s", event)
                        .isGreaterThanOrEqualTo(SPEC.minEventsBeforeLatePayment());
                assertThat(event.eventTime()).isGreaterThanOrEqualTo(deadline + bound + 20_000);
            }
            kindsByOrder.computeIfAbsent(event.orderId(), id -> new ArrayList<>()).add(event.kind());
            seen.add(event.eventTime());
            maxSeen = Math.max(maxSeen, event.eventTime());
        }
        assertThat(latePayments).isGreaterThanOrEqualTo(expected.categoryCounts().get(Category.PAID_LATE));

        int soonOrders = 0;
        int soonOrdersOvertaken = 0;
        for (ExpectedOrder order : expected.orders().values()) {
            List<EventKind> kinds = kindsByOrder.get(order.orderId());
            Category base = order.baseCategory();
            switch (base) {
                case OUT_OF_ORDER -> assertThat(kinds.get(0)).as(order.orderId()).isNotEqualTo(EventKind.CREATED);
                case CANCELLED_THEN_PAID -> assertThat(kinds.indexOf(EventKind.CANCELLED))
                        .isLessThan(kinds.indexOf(EventKind.PAID));
                case CANCELLED_THEN_PAID_SOON, PAID_THEN_CANCELLED_SOON -> {
                    assertThat(kinds).as(order.orderId())
                            .containsExactlyInAnyOrder(EventKind.CREATED, EventKind.PAID, EventKind.CANCELLED);
                    assertThat(kinds.get(0)).isEqualTo(EventKind.CREATED);
                    soonOrders++;
                    if (kinds.get(1) == (base == Category.CANCELLED_THEN_PAID_SOON ? EventKind.PAID : EventKind.CANCELLED)) {
                        soonOrdersOvertaken++;
                    }
                }
                case NEVER_PAID -> assertThat(kinds).containsOnly(EventKind.CREATED);
                default -> assertThat(kinds.get(0)).as(order.orderId()).isEqualTo(EventKind.CREATED);
            }
        }
        // Both emission orders of a near-simultaneous cancel and payment occur, each often.
        assertThat(soonOrdersOvertaken).isBetween(soonOrders / 4, soonOrders * 3 / 4);
    }

    @Test
    void messagesFollowTheEventContract() throws Exception {
        Map<String, WorkloadEvent> firstByEventId = new LinkedHashMap<>();
        Map<String, String> paymentIds = new HashMap<>();
        boolean sawIso = false;
        boolean sawEpoch = false;
        for (WorkloadEvent event : workload.events()) {
            if (!event.isValid()) {
                continue;
            }
            JsonNode node = JSON.readTree(event.json());
            assertThat(node.get("type").asText()).isEqualTo(event.tag()).isEqualTo(event.kind().tag());
            assertThat(node.get("orderId").asText()).isEqualTo(event.orderId()).isEqualTo(event.key());
            assertThat(node.get("eventId").asText()).isEqualTo(event.eventId());
            JsonNode occurredAt = node.get("occurredAt");
            long time = occurredAt.isNumber() ? occurredAt.asLong() : Instant.parse(occurredAt.asText()).toEpochMilli();
            sawIso |= occurredAt.isTextual();
            sawEpoch |= occurredAt.isNumber();
            assertThat(time).isEqualTo(event.eventTime());
            ExpectedOrder order = workload.expected().order(event.orderId());
            if (event.kind() == EventKind.CREATED) {
                assertThat(node.get("payTimeoutSeconds").asInt()).isEqualTo(SPEC.payTimeout().getSeconds());
                assertThat(node.get("userId").asText()).isEqualTo(order.userId());
                assertThat(node.get("amountCents").asLong()).isEqualTo(order.amountCents());
                assertThat(node.get("currency").asText()).hasSize(3).isEqualTo(order.currency());
                assertThat(time).isEqualTo(order.createdAt().toEpochMilli());
            }
            if (event.kind() == EventKind.PAID) {
                paymentIds.put(event.orderId(), node.get("paymentId").asText());
            }
            WorkloadEvent first = firstByEventId.putIfAbsent(event.eventId(), event);
            assertThat(event.isDuplicate()).as("eventId reused only by a duplicate").isEqualTo(first != null);
            if (first != null) {
                assertThat(event.json()).isEqualTo(first.json());
            }
        }
        assertThat(sawIso).isTrue();
        assertThat(sawEpoch).isTrue();
        for (ExpectedRefund refund : workload.expected().refunds()) {
            assertThat(refund.paymentId()).isEqualTo(paymentIds.get(refund.orderId()));
        }
    }

    @Test
    void invalidMessagesBreakTheContractAndNameNoOrder() {
        Set<String> payloads = new HashSet<>();
        for (WorkloadEvent event : workload.events()) {
            if (event.isValid()) {
                continue;
            }
            assertThat(workload.expected().order(event.key())).isNull();
            assertThat(breaksContract(event.json())).as(event.toString()).isTrue();
            payloads.add(new String(event.json(), StandardCharsets.ISO_8859_1));
        }
        assertThat(payloads).as("distinct payloads").hasSize(SPEC.invalidMessages());
        for (InvalidMessageKind kind : InvalidMessageKind.values()) {
            assertThat(breaksContract(EventJson.invalid(kind, 3, 1_000L))).as(kind.name()).isTrue();
        }
    }

    @Test
    void refusesTimingItCannotKeepDeterministic() {
        assertThatThrownBy(() -> WorkloadSpec.builder().payTimeout(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> WorkloadSpec.builder().jitter(Duration.ofSeconds(3)).build())
                .isInstanceOf(IllegalArgumentException.class);
        // A stream too sparse to have surely closed an order before its late payment arrives.
        WorkloadSpec sparse = WorkloadSpec.builder().orderCount(200).createInterval(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> OrderWorkload.generate(sparse))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("deadline + B + 1 s");
    }

    /** A strict reading of DESIGN.md §2: what a validating parser must reject. */
    private static boolean breaksContract(byte[] payload) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
            return true;
        }
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (Exception e) {
            return true;
        }
        String type = node.path("type").asText("");
        if (!Set.of("ORDER_CREATED", "ORDER_PAID", "ORDER_CANCELLED").contains(type)) {
            return true;
        }
        String orderId = node.path("orderId").asText("");
        if (orderId.isEmpty() || orderId.length() > 64) {
            return true;
        }
        JsonNode occurredAt = node.get("occurredAt");
        if (occurredAt == null) {
            return true;
        }
        if (occurredAt.isTextual()) {
            try {
                Instant.parse(occurredAt.asText());
            } catch (Exception e) {
                return true;
            }
        }
        JsonNode timeout = node.get("payTimeoutSeconds");
        return timeout != null && (timeout.asLong() < 1 || timeout.asLong() > 604_800);
    }

    private static List<String> fingerprint(OrderWorkload workload) {
        List<String> lines = new ArrayList<>();
        for (WorkloadEvent event : workload.events()) {
            lines.add(event.key() + "|" + event.tag() + "|" + event.eventTime() + "|"
                    + java.util.Base64.getEncoder().encodeToString(event.json()));
        }
        return lines;
    }
}
