package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic batch of order events in emission order, with the database state the job
 * must end in.
 *
 * <p>How the timing is made deterministic. The job's watermark is (max eventTime seen) − B − 1 ms.
 * Each event is emitted at its eventTime plus a jitter below B / 2 (so no event is ever behind
 * the watermark), and:
 * <ul>
 *   <li>every in-time payment or cancel has eventTime ≤ deadline − B − jitter − safetyMargin,
 *       so the watermark cannot reach the deadline before it is read;</li>
 *   <li>every late payment has eventTime ≥ deadline + latePaymentMargin (default B + 20 s) and
 *       orders keep being created at a steady synthetic rate (FILLER orders after the requested
 *       ones) until after the last late payment, so that each late payment is preceded by many
 *       events with eventTime ≥ deadline + B + 1 s: the watermark has passed its deadline and
 *       the order is closed before the payment is read.</li>
 * </ul>
 * Both are checked after generation; a violation throws {@link IllegalStateException}.
 *
 * <p>Some orders' events are emitted out of event-time order on purpose (OUT_OF_ORDER, and half of
 * the *_SOON orders: the payment before the cancel or the other way round), always within the
 * bound. The list may also be spread over several queues or splits (any {@link QueueSelection}):
 * the expected outcome does not depend on the order in which the job reads one order's events,
 * provided no split is read more than about {@code latePaymentMargin − B} of event time ahead of
 * another, so that a late payment is still read after its order's close.
 */
public final class OrderWorkload {

    private static final String[] CURRENCIES = {"EUR", "USD", "CNY", "GBP"};

    private final WorkloadSpec spec;
    private final List<WorkloadEvent> events;
    private final ExpectedOutcome expected;
    private final List<InitialOrderRow> initialRows;
    private final int fillerOrders;
    private final int minEventsBeforeLatePayment;

    private OrderWorkload(WorkloadSpec spec, List<WorkloadEvent> events, ExpectedOutcome expected,
            List<InitialOrderRow> initialRows, int fillerOrders, int minEventsBeforeLatePayment) {
        this.spec = spec;
        this.events = events;
        this.expected = expected;
        this.initialRows = initialRows;
        this.fillerOrders = fillerOrders;
        this.minEventsBeforeLatePayment = minEventsBeforeLatePayment;
    }

    /** Generates the workload; the same spec (including seed) gives the same events, byte for byte. */
    public static OrderWorkload generate(WorkloadSpec spec) {
        return new Generator(spec).generate();
    }

    public WorkloadSpec spec() {
        return spec;
    }

    /** All messages in emission order, including duplicates and invalid messages. */
    public List<WorkloadEvent> events() {
        return events;
    }

    public ExpectedOutcome expected() {
        return expected;
    }

    /** The orders table as the order and payment services wrote it before publishing. */
    public List<InitialOrderRow> initialRows() {
        return initialRows;
    }

    /** FILLER orders appended to keep event time dense until after the last late payment. */
    public int fillerOrders() {
        return fillerOrders;
    }

    /**
     * The smallest number of valid events with eventTime ≥ deadline + B + 1 s that precede any
     * late payment (Integer.MAX_VALUE when there is none).
     */
    public int minEventsBeforeLatePayment() {
        return minEventsBeforeLatePayment;
    }

    /** Largest eventTime of any valid event. */
    public Instant lastEventTime() {
        long max = Long.MIN_VALUE;
        for (WorkloadEvent event : events) {
            if (event.isValid()) {
                max = Math.max(max, event.eventTime());
            }
        }
        return Instant.ofEpochMilli(max);
    }

    public Instant lastDeadline() {
        return expected.orders().values().stream().map(ExpectedOrder::deadline).max(Comparator.naturalOrder())
                .orElseThrow();
    }

    /** Inserts {@link #initialRows()} into the orders table (default names), in one transaction. */
    public void insertInitialRows(Connection connection, SqlFlavor flavor) throws SQLException {
        OrderRowWriter.insert(connection, flavor, initialRows);
    }

    /** Publishes every message in emission order, one at a time; returns how many were sent. */
    public int publishTo(EventPublisher publisher) {
        for (WorkloadEvent event : events) {
            event.publishTo(publisher);
        }
        return events.size();
    }

    @Override
    public String toString() {
        return "OrderWorkload{events=" + events.size() + ", fillers=" + fillerOrders + ", " + expected + "}";
    }

    /** What an event has to achieve relative to its order's deadline. */
    private enum Role {
        NONE,
        /** Must be read before the watermark passes the deadline. */
        BEFORE_DEADLINE,
        /** Must be read after the order was closed. */
        AFTER_CLOSE
    }

    private static final class Draft {
        final WorkloadEvent event;
        final long emitAt;
        final long sequence;
        final Role role;
        final long deadline;
        /** Position in the order's intended sequence; -1 for duplicates and invalid messages. */
        final int step;

        Draft(WorkloadEvent event, long emitAt, long sequence, Role role, long deadline, int step) {
            this.event = event;
            this.emitAt = emitAt;
            this.sequence = sequence;
            this.role = role;
            this.deadline = deadline;
            this.step = step;
        }
    }

    private static final class Generator {
        private final WorkloadSpec spec;
        private final Random random;
        private final long timeoutMs;
        private final long boundMs;
        private final long jitterMs;
        private final List<Draft> drafts = new ArrayList<>();
        private final List<ExpectedOrder> orders = new ArrayList<>();
        private final List<ExpectedRefund> refunds = new ArrayList<>();
        private final List<InitialOrderRow> rows = new ArrayList<>();
        private long sequence;
        private long lastLatePayment = Long.MIN_VALUE;
        private int guardedRefundRequests;

        Generator(WorkloadSpec spec) {
            this.spec = spec;
            this.random = new Random(spec.seed());
            this.timeoutMs = spec.payTimeout().toMillis();
            this.boundMs = spec.outOfOrderness().toMillis();
            this.jitterMs = spec.jitter().toMillis();
        }

        OrderWorkload generate() {
            List<Category> categories = allocate();
            long intervalMs = spec.createInterval().toMillis();
            long startMs = spec.start().toEpochMilli();
            for (int i = 0; i < categories.size(); i++) {
                String orderId = spec.orderIdPrefix() + String.format("%07d", i + 1);
                planOrder(orderId, categories.get(i), createdAt(startMs, intervalMs, i));
            }
            int fillers = 0;
            for (int i = categories.size(); createdAt(startMs, intervalMs, i) <= lastLatePayment; i++) {
                String orderId = spec.orderIdPrefix() + "f-" + String.format("%07d", ++fillers);
                planOrder(orderId, Category.FILLER, createdAt(startMs, intervalMs, i));
            }
            planInvalidMessages();

            drafts.sort(Comparator.<Draft>comparingLong(d -> d.emitAt).thenComparingLong(d -> d.sequence));
            int minWitnesses = verify();
            List<WorkloadEvent> events = new ArrayList<>(drafts.size());
            for (Draft draft : drafts) {
                events.add(draft.event);
            }
            return new OrderWorkload(spec, Collections.unmodifiableList(events),
                    new ExpectedOutcome(orders, refunds, spec.invalidMessages(), guardedRefundRequests),
                    Collections.unmodifiableList(rows), fillers, minWitnesses);
        }

        private long createdAt(long startMs, long intervalMs, int index) {
            // The offset within the interval is derived from the index, not the shared random
            // stream, so the filler loop's condition does not consume randomness.
            return startMs + index * intervalMs + Math.floorMod(index * 7919L, Math.max(1, intervalMs / 2));
        }

        /** Exact counts per category (largest remainder), shuffled over the creation slots. */
        private List<Category> allocate() {
            Map<Category, Double> mix = spec.mix();
            double total = mix.values().stream().mapToDouble(Double::doubleValue).sum();
            int n = spec.orderCount();
            Map<Category, Integer> counts = new EnumMap<>(Category.class);
            List<Map.Entry<Category, Double>> remainders = new ArrayList<>();
            int assigned = 0;
            for (Map.Entry<Category, Double> entry : mix.entrySet()) {
                double exact = n * entry.getValue() / total;
                int whole = (int) Math.floor(exact);
                counts.put(entry.getKey(), whole);
                assigned += whole;
                remainders.add(Map.entry(entry.getKey(), exact - whole));
            }
            remainders.sort(Map.Entry.<Category, Double>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey()));
            for (int i = 0; assigned < n; i++, assigned++) {
                counts.merge(remainders.get(i % remainders.size()).getKey(), 1, Integer::sum);
            }
            List<Category> categories = new ArrayList<>(n);
            counts.forEach((category, count) -> categories.addAll(Collections.nCopies(count, category)));
            Collections.shuffle(categories, random);
            return categories;
        }

        private void planOrder(String orderId, Category category, long created) {
            Category base = category == Category.DUPLICATED
                    ? Category.DUPLICABLE[random.nextInt(Category.DUPLICABLE.length)]
                    : category;
            long deadline = created + timeoutMs;
            String userId = "u-" + random.nextInt(1000);
            long amountCents = 100 + random.nextInt(99_900);
            String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
            String paymentId = "pay-" + orderId;
            byte[] createdJson = EventJson.created(orderId, orderId + "-e1", created, epochMillis(),
                    Math.toIntExact(spec.payTimeout().getSeconds()), userId, amountCents, currency);
            WorkloadEvent createdEvent = new WorkloadEvent(orderId, orderId, EventKind.CREATED, orderId + "-e1",
                    created, false, createdJson);

            OrderRowStatus finalStatus;
            OrderRowStatus initialStatus;
            boolean closeDecisionAllowed = false;
            List<Draft> originals = new ArrayList<>();
            switch (base) {
                case PAID_IN_TIME:
                case FILLER: {
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    long paidAt = created + inTimeDelay();
                    originals.add(draft(paid(orderId, "-e2", paidAt, paymentId), jittered(paidAt),
                            Role.BEFORE_DEADLINE, deadline, 1));
                    finalStatus = OrderRowStatus.PAID;
                    initialStatus = OrderRowStatus.PAID;
                    break;
                }
                case NEVER_PAID:
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    finalStatus = OrderRowStatus.CLOSED;
                    initialStatus = OrderRowStatus.PENDING_PAYMENT;
                    break;
                case PAID_LATE: {
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    long paidAt = deadline + spec.latePaymentMargin().toMillis() + random.nextInt(5000);
                    originals.add(draft(paid(orderId, "-e2", paidAt, paymentId), jittered(paidAt),
                            Role.AFTER_CLOSE, deadline, 1));
                    lastLatePayment = Math.max(lastLatePayment, paidAt);
                    refunds.add(new ExpectedRefund(orderId, paymentId, ExpectedRefund.Reason.PAID_AFTER_CLOSE));
                    finalStatus = OrderRowStatus.CLOSED;
                    initialStatus = OrderRowStatus.PENDING_PAYMENT;
                    break;
                }
                case CANCELLED: {
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    long cancelledAt = created + inTimeDelay();
                    originals.add(draft(cancelled(orderId, "-e2", cancelledAt), jittered(cancelledAt),
                            Role.BEFORE_DEADLINE, deadline, 1));
                    finalStatus = OrderRowStatus.CANCELLED;
                    initialStatus = OrderRowStatus.CANCELLED;
                    break;
                }
                case CANCELLED_THEN_PAID: {
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    long cancelledAt = created + inTimeDelay();
                    originals.add(draft(cancelled(orderId, "-e2", cancelledAt), jittered(cancelledAt),
                            Role.BEFORE_DEADLINE, deadline, 1));
                    // Once cancelled the order has no timer, so the payment may come at any time.
                    long paidAt = cancelledAt + spec.earliestFollowUpDelay().toMillis() + random.nextInt(
                            (int) Math.max(1, timeoutMs / 2));
                    originals.add(draft(paid(orderId, "-e3", paidAt, paymentId), jittered(paidAt), Role.NONE,
                            deadline, 2));
                    // Paid after the deadline: read before the cancel (another queue), it is a
                    // payment after a close to the job, which then decides a close that finds the
                    // row cancelled (DESIGN.md §3) and labels the refund PAID_AFTER_CLOSE.
                    boolean paidAfterDeadline = paidAt >= deadline;
                    refunds.add(new ExpectedRefund(orderId, paymentId, ExpectedRefund.Reason.PAID_AFTER_CANCEL,
                            paidAfterDeadline ? ExpectedRefund.Reason.PAID_AFTER_CLOSE : null));
                    closeDecisionAllowed = paidAfterDeadline;
                    finalStatus = OrderRowStatus.CANCELLED;
                    initialStatus = OrderRowStatus.CANCELLED;
                    break;
                }
                case CANCELLED_THEN_PAID_SOON:
                case PAID_THEN_CANCELLED_SOON: {
                    originals.add(draft(createdEvent, jittered(created), Role.NONE, deadline, 0));
                    boolean cancelFirst = base == Category.CANCELLED_THEN_PAID_SOON;
                    long gap = soonGap();
                    long firstAt = created + inTimeDelayLeaving(gap);
                    long secondAt = firstAt + gap;
                    WorkloadEvent cancel = cancelled(orderId, cancelFirst ? "-e2" : "-e3",
                            cancelFirst ? firstAt : secondAt);
                    WorkloadEvent pay = paid(orderId, cancelFirst ? "-e3" : "-e2", cancelFirst ? secondAt : firstAt,
                            paymentId);
                    WorkloadEvent first = cancelFirst ? cancel : pay;
                    WorkloadEvent second = cancelFirst ? pay : cancel;
                    if (random.nextBoolean()) {
                        long firstEmit = jittered(firstAt);
                        originals.add(draft(first, firstEmit, Role.BEFORE_DEADLINE, deadline, 1));
                        originals.add(draft(second, Math.max(jittered(secondAt), firstEmit + 1), Role.BEFORE_DEADLINE,
                                deadline, 2));
                    } else {
                        // The later event overtakes the earlier one (another queue, another
                        // producer), within the out-of-orderness bound: gap + B / 4 < B.
                        originals.add(draft(second, secondAt, Role.BEFORE_DEADLINE, deadline, 1));
                        originals.add(draft(first, secondAt + 1 + randomUpTo(boundMs / 4), Role.BEFORE_DEADLINE,
                                deadline, 2));
                    }
                    if (cancelFirst) {
                        refunds.add(new ExpectedRefund(orderId, paymentId, ExpectedRefund.Reason.PAID_AFTER_CANCEL));
                        finalStatus = OrderRowStatus.CANCELLED;
                    } else {
                        guardedRefundRequests++;
                        finalStatus = OrderRowStatus.PAID;
                    }
                    initialStatus = finalStatus;
                    break;
                }
                case OUT_OF_ORDER: {
                    // The follow-up happens shortly after creation but is emitted first; both
                    // emission delays stay below B / 2, a swap within the out-of-orderness bound.
                    long spread = Math.max(1, boundMs / 4);
                    long followUpAt = created + 1 + random.nextInt((int) spread);
                    boolean pay = random.nextBoolean();
                    WorkloadEvent followUp = pay
                            ? paid(orderId, "-e2", followUpAt, paymentId)
                            : cancelled(orderId, "-e2", followUpAt);
                    originals.add(draft(followUp, followUpAt, Role.BEFORE_DEADLINE, deadline, 0));
                    originals.add(draft(createdEvent, followUpAt + 1 + random.nextInt((int) spread),
                            Role.BEFORE_DEADLINE, deadline, 1));
                    finalStatus = pay ? OrderRowStatus.PAID : OrderRowStatus.CANCELLED;
                    initialStatus = finalStatus;
                    break;
                }
                default:
                    throw new IllegalStateException("Unplanned category " + base);
            }
            drafts.addAll(originals);
            if (category == Category.DUPLICATED) {
                duplicateSome(originals);
            }
            AuditExpectation audit = finalStatus == OrderRowStatus.CLOSED
                    ? AuditExpectation.REQUIRED
                    : closeDecisionAllowed ? AuditExpectation.ALLOWED : AuditExpectation.FORBIDDEN;
            orders.add(new ExpectedOrder(orderId, category, base, finalStatus, audit, Instant.ofEpochMilli(created),
                    Instant.ofEpochMilli(deadline), userId, amountCents, currency));
            rows.add(new InitialOrderRow(orderId, userId, amountCents, currency, initialStatus,
                    Instant.ofEpochMilli(created)));
        }

        /** Re-sends each event with probability 1/2 (at least one), shortly after its original. */
        private void duplicateSome(List<Draft> originals) {
            boolean any = false;
            for (int i = 0; i < originals.size(); i++) {
                boolean last = i == originals.size() - 1;
                if (random.nextBoolean() || (last && !any)) {
                    Draft original = originals.get(i);
                    WorkloadEvent event = original.event;
                    WorkloadEvent copy = new WorkloadEvent(event.key(), event.orderId(), event.kind(), event.eventId(),
                            event.eventTime(), true, event.json());
                    drafts.add(draft(copy, original.emitAt + 1 + randomUpTo(jitterMs), original.role,
                            original.deadline, -1));
                    any = true;
                }
            }
        }

        private void planInvalidMessages() {
            long first = spec.start().toEpochMilli();
            long last = drafts.stream().mapToLong(d -> d.emitAt).max().orElse(first);
            InvalidMessageKind[] kinds = InvalidMessageKind.values();
            for (int i = 0; i < spec.invalidMessages(); i++) {
                InvalidMessageKind kind = kinds[i % kinds.length];
                long at = first + randomUpTo(last - first);
                WorkloadEvent event = new WorkloadEvent(EventJson.invalidKey(kind, i + 1), null, EventKind.INVALID,
                        null, at, false, EventJson.invalid(kind, i + 1, at));
                drafts.add(draft(event, at, Role.NONE, 0, -1));
            }
        }

        private WorkloadEvent paid(String orderId, String suffix, long at, String paymentId) {
            String eventId = orderId + suffix;
            return new WorkloadEvent(orderId, orderId, EventKind.PAID, eventId, at, false,
                    EventJson.paid(orderId, eventId, at, epochMillis(), paymentId));
        }

        private WorkloadEvent cancelled(String orderId, String suffix, long at) {
            String eventId = orderId + suffix;
            return new WorkloadEvent(orderId, orderId, EventKind.CANCELLED, eventId, at, false,
                    EventJson.cancelled(orderId, eventId, at, epochMillis()));
        }

        private Draft draft(WorkloadEvent event, long emitAt, Role role, long deadline, int step) {
            return new Draft(event, emitAt, sequence++, role, deadline, step);
        }

        /** Mostly early payments, as in real shops: uniform over the first half of the allowed span. */
        private long inTimeDelay() {
            long earliest = spec.earliestFollowUpDelay().toMillis();
            long latest = spec.latestInTimeDelay().toMillis();
            long typicalLatest = Math.max(earliest, Math.min(latest, timeoutMs / 2));
            return earliest + randomUpTo(typicalLatest - earliest);
        }

        /**
         * Event-time distance between a cancel and a payment "within a few seconds": 200 ms to B / 2,
         * so that the later one can be emitted first and still be within the bound.
         */
        private long soonGap() {
            long span = spec.latestInTimeDelay().toMillis() - spec.earliestFollowUpDelay().toMillis();
            return Math.min(span / 2, 200 + randomUpTo(Math.max(0, boundMs / 2 - 200)));
        }

        /** Like {@link #inTimeDelay()}, but leaves {@code room} before the latest in-time event. */
        private long inTimeDelayLeaving(long room) {
            long earliest = spec.earliestFollowUpDelay().toMillis();
            long latest = spec.latestInTimeDelay().toMillis() - room;
            long typicalLatest = Math.max(earliest, Math.min(latest, timeoutMs / 2));
            return earliest + randomUpTo(typicalLatest - earliest);
        }

        private long jittered(long eventTime) {
            return eventTime + randomUpTo(jitterMs);
        }

        private long randomUpTo(long inclusiveMax) {
            return inclusiveMax <= 0 ? 0 : random.nextLong(inclusiveMax + 1);
        }

        private boolean epochMillis() {
            return random.nextDouble() < spec.epochMillisFraction();
        }

        /**
         * Replays the job's watermark over the emission order and checks the timing promises of
         * the class comment; returns the smallest witness count before a late payment.
         */
        private int verify() {
            long safetyMs = spec.safetyMargin().toMillis();
            long[] validTimes = new long[drafts.size()];
            int validCount = 0;
            long maxSeen = Long.MIN_VALUE;
            int minWitnesses = Integer.MAX_VALUE;
            Map<String, Integer> lastStep = new HashMap<>();
            for (Draft draft : drafts) {
                WorkloadEvent event = draft.event;
                if (!event.isValid()) {
                    continue;
                }
                long watermark = maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - boundMs - 1;
                check(watermark < event.eventTime(), event, "is behind the watermark " + watermark);
                if (draft.step >= 0) {
                    int previous = lastStep.getOrDefault(event.orderId(), -1);
                    check(draft.step == previous + 1, event, "is emitted out of its order's intended sequence");
                    lastStep.put(event.orderId(), draft.step);
                }
                if (draft.role == Role.BEFORE_DEADLINE) {
                    check(event.kind() == EventKind.CREATED
                                    || event.eventTime() <= draft.deadline - boundMs - jitterMs - safetyMs,
                            event, "is too close to its deadline " + draft.deadline);
                    check(watermark < draft.deadline - safetyMs, event,
                            "comes when the watermark " + watermark + " may already pass its deadline " + draft.deadline);
                } else if (draft.role == Role.AFTER_CLOSE) {
                    long threshold = draft.deadline + boundMs + 1000;
                    int witnesses = 0;
                    for (int i = 0; i < validCount; i++) {
                        if (validTimes[i] >= threshold) {
                            witnesses++;
                        }
                    }
                    check(witnesses >= spec.minEventsBeforeLatePayment(), event, "follows only " + witnesses
                            + " events with eventTime >= deadline + B + 1 s; the job may not have closed its order");
                    minWitnesses = Math.min(minWitnesses, witnesses);
                }
                validTimes[validCount++] = event.eventTime();
                maxSeen = Math.max(maxSeen, event.eventTime());
            }
            return minWitnesses;
        }

        private static void check(boolean condition, WorkloadEvent event, String problem) {
            if (!condition) {
                throw new IllegalStateException("Workload timing invariant violated: " + event + " " + problem);
            }
        }
    }
}
