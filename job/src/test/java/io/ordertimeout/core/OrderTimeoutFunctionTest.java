package io.ordertimeout.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every cell of the state machine in DESIGN.md §3, driven by explicit watermarks on Flink's keyed
 * operator test harness. Times are minutes from 0 for readability.
 */
class OrderTimeoutFunctionTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration RETENTION = Duration.ofHours(24);
    private static final long T0 = Duration.ofDays(1).toMillis();
    private static final long DEADLINE = T0 + TIMEOUT.toMillis();

    /** The wall clock the function sees; tests set it. */
    static volatile long wallClock = T0;

    private KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, CloseCommand> harness;

    @BeforeEach
    void open() throws Exception {
        wallClock = T0;
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, OrderEvent, CloseCommand> newHarness() throws Exception {
        OrderTimeoutFunction function = new OrderTimeoutFunction(TIMEOUT, RETENTION, () -> wallClock);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), event -> event.orderId, Types.STRING);
    }

    private void send(OrderEvent event) throws Exception {
        harness.processElement(new StreamRecord<>(event, event.occurredAt));
    }

    private void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    private static long minutes(long m) {
        return T0 + Duration.ofMinutes(m).toMillis();
    }

    private List<CloseCommand> closes() {
        return harness.extractOutputValues();
    }

    private List<RefundRequest> refunds() {
        return harness.getSideOutput(OrderTimeoutFunction.REFUNDS) == null
                ? List.of()
                : harness.getSideOutput(OrderTimeoutFunction.REFUNDS).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    private long extraPayments() {
        return ((OrderTimeoutFunction) ((KeyedProcessOperator<?, ?, ?>) harness.getOperator()).getUserFunction())
                .metrics().extraPayments.getCount();
    }

    private static OrderEvent created(String orderId, long at) {
        OrderEvent event = OrderEvent.created(orderId, at);
        event.userId = "u-1";
        event.amountCents = 1299L;
        event.currency = "EUR";
        return event;
    }

    @Nested
    class FromNoState {

        @Test
        void createdStartsTimerAtDeadlineAndClosesWhenWatermarkPassesIt() throws Exception {
            send(created("o-1", T0));
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);

            watermark(DEADLINE - 1);
            assertThat(closes()).isEmpty();

            wallClock = DEADLINE + 7_000;
            watermark(DEADLINE);
            assertThat(closes()).singleElement().satisfies(close -> {
                assertThat(close.orderId).isEqualTo("o-1");
                assertThat(close.deadline).isEqualTo(DEADLINE);
                assertThat(close.decidedAt).isEqualTo(DEADLINE + 7_000);
                assertThat(close.latenessMillis()).isEqualTo(7_000);
                assertThat(close.amountCents).isEqualTo(1299L);
            });
        }

        @Test
        void payTimeoutSecondsOfTheEventOverridesTheDefault() throws Exception {
            OrderEvent created = created("o-1", T0);
            created.payTimeoutSeconds = 60;
            send(created);

            watermark(T0 + 59_999);
            assertThat(closes()).isEmpty();
            watermark(T0 + 60_000);
            assertThat(closes()).extracting(c -> c.deadline).containsExactly(T0 + 60_000);
        }

        @Test
        void paymentBeforeCreatedMeansPaidEarlyAndTheLaterCreatedStartsNoTimer() throws Exception {
            send(OrderEvent.paid("o-1", minutes(1), "p-1"));
            send(created("o-1", T0));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
        }

        @Test
        void paymentMadeAfterTheDeadlineOfACreatedReadLaterClosesAndRequestsARefund() throws Exception {
            send(OrderEvent.paid("o-1", DEADLINE + 1_000, "p-1"));
            send(created("o-1", T0));

            assertThat(closes()).extracting(c -> c.orderId, c -> c.deadline, c -> c.amountCents)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-1", DEADLINE, 1299L));
            assertThat(refunds()).extracting(r -> r.paymentId, r -> r.reason, r -> r.amountCents)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p-1", RefundReason.PAID_AFTER_CLOSE, 1299L));

            watermark(DEADLINE + RETENTION.toMillis());
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }

        @Test
        void cancelBeforeCreatedMeansCancelledAndTheLaterCreatedIsIgnored() throws Exception {
            send(OrderEvent.cancelled("o-1", minutes(1)));
            send(created("o-1", T0));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
        }

        @Test
        void createdWhoseDeadlineIsAlreadyBehindTheWatermarkClosesAtTheNextWatermark() throws Exception {
            watermark(DEADLINE + Duration.ofHours(1).toMillis());
            send(created("o-replayed", T0));
            assertThat(closes()).as("not closed before a watermark arrives").isEmpty();

            watermark(DEADLINE + Duration.ofHours(1).toMillis() + 1);
            assertThat(closes()).extracting(c -> c.orderId).containsExactly("o-replayed");
        }
    }

    @Nested
    class FromPending {

        @BeforeEach
        void pending() throws Exception {
            send(created("o-1", T0));
        }

        @Test
        void duplicateCreatedIsIgnoredAndClosesOnce() throws Exception {
            send(created("o-1", minutes(5)));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).extracting(c -> c.deadline).containsExactly(DEADLINE);
        }

        @Test
        void paymentDeletesTheTimer() throws Exception {
            send(OrderEvent.paid("o-1", minutes(10), "p-1"));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
        }

        @Test
        void paymentMadeAfterTheDeadlineButReadBeforeTheWatermarkClosesAndRequestsARefund() throws Exception {
            // In event time the deadline came first; arrival order never decides money (DESIGN.md
            // §3). The database decides both: a row the payment service set PAID is neither closed
            // (conditional UPDATE) nor refunded (guard); a row already closed gets its refund.
            wallClock = DEADLINE + 2_000;
            send(OrderEvent.paid("o-1", DEADLINE + 1_000, "p-1"));

            assertThat(closes()).extracting(c -> c.orderId, c -> c.deadline)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-1", DEADLINE));
            assertThat(refunds()).extracting(r -> r.paymentId, r -> r.reason, r -> r.paidAt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p-1", RefundReason.PAID_AFTER_CLOSE, DEADLINE + 1_000));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).as("closed once").hasSize(1);
            assertThat(harness.numEventTimeTimers()).as("only the cleanup timer").isEqualTo(1);
        }

        @Test
        void paymentMadeJustBeforeTheDeadlineIsAcceptedAsPaid() throws Exception {
            send(OrderEvent.paid("o-1", DEADLINE - 1, "p-1"));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
        }

        @Test
        void cancelDeletesTheTimer() throws Exception {
            send(OrderEvent.cancelled("o-1", minutes(10)));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
        }

        @Test
        void timerEmitsOneCloseAndTheOrderIsClosed() throws Exception {
            watermark(DEADLINE);
            watermark(DEADLINE + 1);
            assertThat(closes()).hasSize(1);
            // A cleanup timer replaces the deadline timer.
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Nested
    class FromPaid {

        @BeforeEach
        void paid() throws Exception {
            send(created("o-1", T0));
            send(OrderEvent.paid("o-1", minutes(5), "p-1"));
        }

        @Test
        void createdAndTheSamePaymentAgainChangeNothing() throws Exception {
            send(created("o-1", minutes(6)));
            send(OrderEvent.paid("o-1", minutes(7), "p-1"));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
        }

        @Test
        void anotherPaymentIdIsCountedButNotRefundedWhileTheOrderIsPaid() throws Exception {
            send(OrderEvent.paid("o-1", minutes(7), "p-other"));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
            assertThat(extraPayments()).isEqualTo(1);
        }

        @Test
        void cancelAfterThePaymentEmitsAGuardedRefundOfThatPayment() throws Exception {
            // Arrival order never decides money (DESIGN.md §3): the cancel may have happened first
            // and reached the job later through another queue. The database guard decides.
            wallClock = minutes(9);
            send(OrderEvent.cancelled("o-1", minutes(8)));
            send(OrderEvent.cancelled("o-1", minutes(8)));

            assertThat(refunds()).singleElement().satisfies(refund -> {
                assertThat(refund.orderId).isEqualTo("o-1");
                assertThat(refund.paymentId).isEqualTo("p-1");
                assertThat(refund.reason).isEqualTo(RefundReason.CANCELLED_AFTER_PAYMENT);
                assertThat(refund.paidAt).isEqualTo(minutes(5));
                assertThat(refund.requestedAt).isEqualTo(minutes(9));
                assertThat(refund.amountCents).isEqualTo(1299L);
            });
            assertThat(closes()).isEmpty();
        }

        @Test
        void aCancelThatHappenedBeforeThePaymentButArrivedAfterItIsAPaymentAfterCancel() throws Exception {
            send(OrderEvent.cancelled("o-1", minutes(4)));

            assertThat(refunds()).extracting(r -> r.paymentId, r -> r.reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p-1", RefundReason.PAID_AFTER_CANCEL));
        }

        @Test
        void afterTheCancelEveryFurtherPaymentIdIsRefundedOnce() throws Exception {
            send(OrderEvent.cancelled("o-1", minutes(8)));
            send(OrderEvent.paid("o-1", minutes(9), "p-1"));
            send(OrderEvent.paid("o-1", minutes(9), "p-2"));
            send(OrderEvent.paid("o-1", minutes(9), "p-2"));

            assertThat(refunds()).extracting(r -> r.paymentId).containsExactly("p-1", "p-2");
        }

        @Test
        void paidEarlyThenCancelledRefundsTheEarlyPayment() throws Exception {
            send(OrderEvent.paid("o-2", minutes(1), "p-2"));
            send(OrderEvent.cancelled("o-2", minutes(2)));
            send(created("o-2", T0));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).extracting(r -> r.orderId, r -> r.paymentId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-2", "p-2"));
        }
    }

    @Nested
    class FromCancelled {

        @BeforeEach
        void cancelled() throws Exception {
            send(created("o-1", T0));
            send(OrderEvent.cancelled("o-1", minutes(5)));
        }

        @Test
        void paymentOfACancelledOrderIsRefundedOnce() throws Exception {
            wallClock = minutes(6);
            send(OrderEvent.paid("o-1", minutes(6), "p-1"));
            send(OrderEvent.paid("o-1", minutes(6), "p-1"));

            assertThat(refunds()).singleElement().satisfies(refund -> {
                assertThat(refund.orderId).isEqualTo("o-1");
                assertThat(refund.paymentId).isEqualTo("p-1");
                assertThat(refund.reason).isEqualTo(RefundReason.PAID_AFTER_CANCEL);
                assertThat(refund.paidAt).isEqualTo(minutes(6));
                assertThat(refund.requestedAt).isEqualTo(minutes(6));
                assertThat(refund.amountCents).isEqualTo(1299L);
                assertThat(refund.currency).isEqualTo("EUR");
            });
            assertThat(closes()).isEmpty();
        }

        @Test
        void createdAndCancelledAgainAreIgnored() throws Exception {
            send(created("o-1", minutes(6)));
            send(OrderEvent.cancelled("o-1", minutes(7)));

            watermark(DEADLINE + Duration.ofMinutes(10).toMillis());
            assertThat(closes()).isEmpty();
            assertThat(refunds()).isEmpty();
        }

        @Test
        void paymentOfAnOrderCancelledBeforeItsCreatedIsRefunded() throws Exception {
            send(OrderEvent.cancelled("o-2", minutes(1)));
            send(OrderEvent.paid("o-2", minutes(2), "p-2"));

            assertThat(refunds()).extracting(r -> r.orderId, r -> r.reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-2", RefundReason.PAID_AFTER_CANCEL));
        }
    }

    @Nested
    class FromClosed {

        @BeforeEach
        void closed() throws Exception {
            send(created("o-1", T0));
            watermark(DEADLINE);
            assertThat(closes()).hasSize(1);
        }

        @Test
        void latePaymentIsRefundedOncePerPaymentId() throws Exception {
            send(OrderEvent.paid("o-1", DEADLINE + 60_000, "p-1"));
            send(OrderEvent.paid("o-1", DEADLINE + 61_000, "p-1"));
            send(OrderEvent.paid("o-1", DEADLINE + 62_000, "p-2"));

            assertThat(refunds()).extracting(r -> r.paymentId).containsExactly("p-1", "p-2");
            assertThat(refunds()).allSatisfy(r -> assertThat(r.reason).isEqualTo(RefundReason.PAID_AFTER_CLOSE));
        }

        @Test
        void latePaymentWithoutPaymentIdIsRefundedOnce() throws Exception {
            send(OrderEvent.paid("o-1", DEADLINE + 60_000, null));
            send(OrderEvent.paid("o-1", DEADLINE + 60_000, null));

            assertThat(refunds()).extracting(r -> r.paymentId).containsExactly("");
        }

        @Test
        void duplicateCreatedAndLateCancelDoNothing() throws Exception {
            send(created("o-1", T0));
            send(OrderEvent.cancelled("o-1", DEADLINE + 1));

            watermark(DEADLINE + Duration.ofHours(1).toMillis());
            assertThat(closes()).hasSize(1);
            assertThat(refunds()).isEmpty();
        }
    }

    @Nested
    class Retention {

        @Test
        void finishedOrdersAreKeptForTheRetentionPeriodThenCleared() throws Exception {
            send(created("o-1", T0));
            watermark(DEADLINE);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

            watermark(DEADLINE + RETENTION.toMillis() - 1);
            send(created("o-1", T0));
            assertThat(closes()).as("duplicate within retention is recognised").hasSize(1);

            watermark(DEADLINE + RETENTION.toMillis());
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }

        @Test
        void aPendingOrderSurvivesAnyAmountOfProcessingTimeAndStillCloses() throws Exception {
            // A job stopped for a month and restored must still close what was pending: no
            // processing-time state TTL may drop it (DESIGN.md §3).
            send(created("o-1", T0));
            harness.setStateTtlProcessingTime(Duration.ofDays(365).toMillis());
            harness.setProcessingTime(Duration.ofDays(365).toMillis());

            watermark(DEADLINE);
            assertThat(closes()).extracting(c -> c.orderId).containsExactly("o-1");
        }

        @Test
        void paidEarlyAndCancelledStateIsClearedAfterTheEstimatedDeadlinePlusRetention() throws Exception {
            send(OrderEvent.paid("o-1", T0, "p-1"));
            send(OrderEvent.cancelled("o-2", T0));
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

            watermark(T0 + TIMEOUT.toMillis() + RETENTION.toMillis());
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Nested
    class Checkpoints {

        @Test
        void pendingTimersAndStateSurviveASnapshotAndRestoreOnRocksDb() throws Exception {
            harness.close();
            harness = newHarness();
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.open();
            send(created("o-1", T0));
            send(created("o-2", minutes(1)));
            send(OrderEvent.paid("o-2", minutes(2), "p-2"));
            OperatorSubtaskState snapshot = harness.snapshot(1L, minutes(2));
            harness.close();

            harness = newHarness();
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.initializeState(snapshot);
            harness.open();
            watermark(DEADLINE + Duration.ofMinutes(5).toMillis());

            assertThat(closes()).extracting(c -> c.orderId).containsExactly("o-1");
        }
    }
}
