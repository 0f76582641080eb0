package io.ordertimeout.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderEventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * {@link OrderTimeoutFunction} against a small reference model of DESIGN.md §3 written in other
 * terms: random per-order histories (duplicates, any arrival order, late payments, cancels, second
 * payments, payments before the order exists), random watermark steps and snapshot/restore points
 * must give exactly the model's closes and refunds, and once every deadline and retention has
 * passed no state and no timer may be left.
 *
 * <p>The model, per order, in arrival order. The deadline is known once a CREATED has arrived (the
 * first one counts) unless a CANCELLED came before it. An order is closed when a watermark reaches
 * its deadline while it has neither an accepted payment nor a cancel, or when it has an accepted
 * payment made (event time) at or after its deadline: then, in event time, the close came first.
 * The order is "dead" once it is closed or a CANCELLED arrives. The first payment that arrives
 * while the order is not dead is accepted; the accepted payment is refunded when the order dies,
 * and every payment arriving after death is refunded; each paymentId ("" without one) at most
 * once. Further payments while the order is paid and alive are not refunded (extra payments).
 */
class OrderTimeoutModelPropertyTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final long T0 = Duration.ofDays(1).toMillis();
    private static final long MINUTE = 60_000;

    /** One step of a history: an event, a watermark step, or a snapshot followed by a restore. */
    sealed interface Step permits Send, AdvanceWatermark, SnapshotAndRestore {}

    record Send(int order, OrderEventType type, int minute, String paymentId, Integer payTimeoutSeconds)
            implements Step {
        OrderEvent event() {
            OrderEvent event = new OrderEvent();
            event.type = type;
            event.orderId = "o-" + order;
            event.occurredAt = T0 + minute * MINUTE;
            event.paymentId = type == OrderEventType.ORDER_PAID ? paymentId : null;
            event.payTimeoutSeconds = type == OrderEventType.ORDER_CREATED ? payTimeoutSeconds : null;
            return event;
        }
    }

    record AdvanceWatermark(int minutes) implements Step {}

    record SnapshotAndRestore() implements Step {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> send = Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.of(OrderEventType.class),
                        Arbitraries.integers().between(0, 120),
                        Arbitraries.of("p-1", "p-2", "").map(id -> id.isEmpty() ? null : id),
                        Arbitraries.of(60, 600, 3600).injectNull(0.5))
                .as(Send::new);
        Arbitrary<Step> watermark = Arbitraries.integers().between(1, 40).map(AdvanceWatermark::new);
        Arbitrary<Step> snapshot = Arbitraries.just(new SnapshotAndRestore());
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, send),
                        net.jqwik.api.Tuple.of(3, watermark),
                        net.jqwik.api.Tuple.of(1, snapshot))
                .list()
                .ofMaxSize(40);
    }

    @Property(tries = 500)
    void closesAndRefundsMatchTheModelAndNoStateIsLeftAfterRetention(@ForAll("histories") List<Step> history)
            throws Exception {
        Model model = new Model();
        Run run = new Run();
        // Watermarks stay far below the earliest cleanup (retention is 24 h), so the model needs
        // no notion of forgotten orders until the final watermark.
        long watermark = T0 - MINUTE;
        for (Step step : history) {
            if (step instanceof Send send) {
                model.onEvent(send);
                run.send(send.event());
            } else if (step instanceof AdvanceWatermark advance) {
                watermark += advance.minutes() * MINUTE;
                model.onWatermark(watermark);
                run.watermark(watermark);
            } else {
                run.snapshotAndRestore();
            }
        }
        model.onWatermark(Long.MAX_VALUE);
        run.watermark(Long.MAX_VALUE);

        assertThat(run.closedOrders()).as("closes").containsExactlyInAnyOrderElementsOf(model.closedOrders);
        assertThat(run.refunds()).as("refunds (orderId/paymentId)")
                .containsExactlyInAnyOrderElementsOf(model.refunds);
        assertThat(run.harness.numKeyedStateEntries()).as("state left after retention").isZero();
        assertThat(run.harness.numEventTimeTimers()).as("timers left after retention").isZero();
        run.harness.close();
    }

    /** The function on Flink's keyed operator harness, with outputs kept across restores. */
    private static final class Run {
        private KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, CloseCommand> harness;
        private final List<String> closed = new ArrayList<>();
        private final List<String> refunded = new ArrayList<>();
        private long checkpointId;

        Run() throws Exception {
            harness = newHarness();
            harness.open();
        }

        private static KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, CloseCommand> newHarness()
                throws Exception {
            return new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new OrderTimeoutFunction(TIMEOUT, RETENTION, () -> T0)),
                    event -> event.orderId, Types.STRING);
        }

        void send(OrderEvent event) throws Exception {
            harness.processElement(new StreamRecord<>(event, event.occurredAt));
        }

        void watermark(long watermark) throws Exception {
            harness.processWatermark(watermark);
        }

        void snapshotAndRestore() throws Exception {
            drainOutputs();
            OperatorSubtaskState snapshot = harness.snapshot(++checkpointId, checkpointId);
            harness.close();
            harness = newHarness();
            harness.initializeState(snapshot);
            harness.open();
        }

        private void drainOutputs() {
            harness.extractOutputValues().forEach(close -> closed.add(close.orderId));
            var refunds = harness.getSideOutput(OrderTimeoutFunction.REFUNDS);
            if (refunds != null) {
                refunds.forEach(record -> refunded.add(record.getValue().orderId + "/" + record.getValue().paymentId));
            }
            harness.getOutput().clear();
            if (refunds != null) {
                refunds.clear();
            }
        }

        List<String> closedOrders() {
            drainOutputs();
            return closed;
        }

        List<String> refunds() {
            drainOutputs();
            return refunded;
        }
    }

    /** The reference model described in the class comment. */
    private static final class Model {
        private final Map<Integer, OrderModel> orders = new HashMap<>();
        final List<String> closedOrders = new ArrayList<>();
        final List<String> refunds = new ArrayList<>();

        void onEvent(Send send) {
            orders.computeIfAbsent(send.order(), order -> new OrderModel("o-" + order)).onEvent(send);
        }

        void onWatermark(long watermark) {
            orders.values().forEach(order -> order.onWatermark(watermark));
        }

        private final class OrderModel {
            final String orderId;
            boolean anyEvent;
            Long deadline; // from the first CREATED, unless a CANCELLED came before it
            boolean cancelled;
            boolean dead;
            String acceptedPayment;
            long acceptedPaidAt;
            final Set<String> refunded = new LinkedHashSet<>();

            OrderModel(String orderId) {
                this.orderId = orderId;
            }

            void onEvent(Send send) {
                boolean first = !anyEvent;
                anyEvent = true;
                long occurredAt = T0 + send.minute() * MINUTE;
                switch (send.type()) {
                    case ORDER_CREATED -> {
                        if (deadline == null && !cancelled && (first || acceptedPayment != null)) {
                            long timeout = send.payTimeoutSeconds() != null
                                    ? send.payTimeoutSeconds() * 1000L
                                    : TIMEOUT.toMillis();
                            deadline = occurredAt + timeout;
                            closeIfPaidAfterDeadline();
                        }
                    }
                    case ORDER_PAID -> {
                        String paymentId = send.paymentId() == null ? "" : send.paymentId();
                        if (dead) {
                            refund(paymentId);
                        } else if (acceptedPayment == null) {
                            acceptedPayment = paymentId;
                            acceptedPaidAt = occurredAt;
                            closeIfPaidAfterDeadline();
                        }
                    }
                    case ORDER_CANCELLED -> {
                        cancelled = true;
                        if (!dead) {
                            dead = true;
                            if (acceptedPayment != null) {
                                refund(acceptedPayment);
                            }
                        }
                    }
                }
            }

            private void closeIfPaidAfterDeadline() {
                if (deadline != null && acceptedPayment != null && acceptedPaidAt >= deadline) {
                    close();
                    refund(acceptedPayment);
                }
            }

            void onWatermark(long watermark) {
                if (deadline != null && acceptedPayment == null && !dead && deadline <= watermark) {
                    close();
                }
            }

            private void close() {
                dead = true;
                closedOrders.add(orderId);
            }

            private void refund(String paymentId) {
                if (refunded.add(paymentId)) {
                    refunds.add(orderId + "/" + paymentId);
                }
            }
        }
    }
}
