package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces orders in real time at a given rate and acts as the order and payment services on
 * the database, like production does (DESIGN.md §4):
 * <ul>
 *   <li>CREATED: the order row is inserted (PENDING_PAYMENT) before the event is published;</li>
 *   <li>PAID: {@code UPDATE orders SET status='PAID' WHERE order_id=? AND status='PENDING_PAYMENT'}
 *       first; the event is published whatever the outcome. If no row was updated because the
 *       job had closed the order (or it was cancelled) a refund is expected;</li>
 *   <li>CANCELLED: the same conditional update to CANCELLED; a cancel that finds the order no
 *       longer pending is refused and not published, except for PAID_THEN_CANCELLED_SOON orders,
 *       whose shop publishes ORDER_CANCELLED anyway (then the job requests a refund of the accepted
 *       payment that the database guard turns down).</li>
 * </ul>
 * The expected outcome is kept from what really happened in the database, so that
 * {@link GroundTruthCheck} can judge the run after a drain period. All events of one order are
 * handled by one worker thread (chosen by orderId), which keeps the order in which they are
 * published; the publisher may still spread them over queues (see {@link QueueSelection}).
 *
 * <p>Lifecycle: {@link #start()}, creation stops by itself after maxOrders or maxDuration (or
 * {@link #stopCreating()}); {@link #awaitFollowUps(Duration)} waits for the last scheduled
 * payment; {@link #close()} stops everything at once.
 */
public final class LiveOrderSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveOrderSimulator.class);
    /** How long a payment or cancel update is retried while the database is unreachable. */
    private static final Duration UPDATE_RETRY_LIMIT = Duration.ofMinutes(3);

    private final EventPublisher publisher;
    private final JdbcConnectionFactory connections;
    private final SqlFlavor flavor;
    private final double ordersPerSecond;
    private final Duration payTimeout;
    private final Duration latePaymentDelay;
    private final Category[] categories;
    private final double[] cumulativeWeights;
    private final double invalidFraction;
    private final long maxOrders;
    private final Duration maxDuration;
    private final String orderIdPrefix;
    private final Random random;
    private final Worker[] workers;
    private final Thread creator;

    private final ConcurrentSkipListMap<String, ExpectedOrder> expectedOrders = new ConcurrentSkipListMap<>();
    private final Map<String, ExpectedRefund> expectedRefunds = new ConcurrentHashMap<>();
    private final AtomicInteger expectedDeadLetters = new AtomicInteger();
    private final AtomicInteger guardedRefundRequests = new AtomicInteger();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong paid = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong latePaid = new AtomicLong();
    private final AtomicLong latePaidBeforeClose = new AtomicLong();
    private final AtomicLong paidAfterCancel = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong cancelsRefused = new AtomicLong();
    private final AtomicLong cancelsAfterPayment = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Creator thread only. */
    private int invalidPlanned;
    private volatile boolean creating;
    private volatile boolean stopRequested;
    private volatile boolean started;

    private LiveOrderSimulator(Builder builder) {
        this.publisher = Objects.requireNonNull(builder.publisher, "publisher");
        this.connections = Objects.requireNonNull(builder.connections, "connections");
        this.flavor = Objects.requireNonNull(builder.flavor, "flavor");
        this.ordersPerSecond = builder.ordersPerSecond;
        this.payTimeout = builder.payTimeout;
        this.latePaymentDelay = builder.latePaymentDelay;
        this.invalidFraction = builder.invalidFraction;
        this.maxOrders = builder.maxOrders;
        this.maxDuration = builder.maxDuration;
        this.orderIdPrefix = builder.orderIdPrefix != null
                ? builder.orderIdPrefix
                : "live-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        this.random = new Random(builder.seed);
        require(ordersPerSecond > 0, "ordersPerSecond must be positive");
        require(payTimeout.toMillis() % 1000 == 0 && payTimeout.getSeconds() >= 1
                && payTimeout.getSeconds() <= EventJson.MAX_PAY_TIMEOUT_SECONDS, "payTimeout must be whole seconds, 1 s..7 d");
        require(!latePaymentDelay.isNegative(), "latePaymentDelay must not be negative");
        require(invalidFraction >= 0 && invalidFraction <= 1, "invalidFraction must be in [0, 1]");
        require(maxOrders > 0, "maxOrders must be positive");
        require(builder.workers >= 1, "workers must be at least 1");
        this.categories = builder.mix.keySet().toArray(new Category[0]);
        this.cumulativeWeights = new double[categories.length];
        double total = 0;
        for (int i = 0; i < categories.length; i++) {
            Category category = categories[i];
            require(category.isMixable(), category + " cannot be part of a mix");
            require(builder.mix.get(category) >= 0, "negative fraction for " + category);
            total += builder.mix.get(category);
            cumulativeWeights[i] = total;
        }
        require(total > 0, "mix must have a positive fraction");
        for (int i = 0; i < categories.length; i++) {
            cumulativeWeights[i] /= total;
        }
        this.workers = new Worker[builder.workers];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
        }
        this.creator = new Thread(this::createOrders, "live-orders-creator");
        this.creator.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("Already started");
        }
        started = true;
        creating = true;
        creator.start();
        LOG.info("Live order simulation started: {} orders/s, pay timeout {}, up to {} orders or {}",
                ordersPerSecond, payTimeout, maxOrders, maxDuration);
    }

    /** No new orders from now on; payments and cancels already scheduled still happen. */
    public void stopCreating() {
        stopRequested = true;
        LockSupport.unpark(creator);
    }

    public boolean isCreating() {
        return creating;
    }

    /**
     * Waits until creation has ended and every scheduled action (the last late payment comes
     * payTimeout + latePaymentDelay after its order) is done. Returns false on timeout.
     */
    public boolean awaitFollowUps(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (creating || backlog.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public LiveCounters counters() {
        return new LiveCounters(created.get(), paid.get(), cancelled.get(), latePaid.get(), latePaidBeforeClose.get(),
                paidAfterCancel.get(), duplicates.get(), outOfOrder.get(), invalid.get(), cancelsRefused.get(),
                cancelsAfterPayment.get(), failures.get(), backlog.get());
    }

    /**
     * The database state the job must produce for what has happened so far. Take it after
     * {@link #awaitFollowUps(Duration)} (or {@link #close()}) for a final verdict.
     */
    public ExpectedOutcome expectedOutcome() {
        return new ExpectedOutcome(new ArrayList<>(expectedOrders.values()), new ArrayList<>(expectedRefunds.values()),
                expectedDeadLetters.get(), guardedRefundRequests.get());
    }

    /** Stops creating and drops actions not yet done; the expected outcome stays consistent with what was done. */
    @Override
    public void close() {
        stopRequested = true;
        creator.interrupt();
        for (Worker worker : workers) {
            // Dropped actions will never run: take them out of the backlog.
            backlog.addAndGet(-worker.executor.shutdownNow().size());
        }
        try {
            if (started) {
                creator.join(10_000);
            }
            for (Worker worker : workers) {
                worker.executor.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Worker worker : workers) {
            worker.closeConnection();
        }
        creating = false;
        if (started) {
            LOG.info("Live order simulation stopped: {}", counters());
        }
    }

    private void createOrders() {
        long startNanos = System.nanoTime();
        long endNanos = startNanos + maxDuration.toNanos();
        long count = 0;
        try {
            while (!stopRequested && count < maxOrders && System.nanoTime() - endNanos < 0) {
                double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
                long due = Math.min(maxOrders, (long) (elapsedSeconds * ordersPerSecond) + 1);
                while (count < due && !stopRequested) {
                    count++;
                    planOrder(orderIdPrefix + String.format("%09d", count));
                }
                long nextDueNanos = startNanos + (long) (count / ordersPerSecond * 1e9);
                LockSupport.parkNanos(Math.max(100_000L, Math.min(10_000_000L, nextDueNanos - System.nanoTime())));
                if (Thread.interrupted()) {
                    break;
                }
            }
        } finally {
            creating = false;
            LOG.info("Live order creation ended after {} orders", count);
        }
    }

    /** Draws all random choices here, on the creator thread, so a seed fixes the plan (not the timing). */
    private void planOrder(String orderId) {
        Category category = pickCategory();
        Category base = category == Category.DUPLICATED
                ? Category.DUPLICABLE[random.nextInt(Category.DUPLICABLE.length)]
                : category;
        long timeoutMs = payTimeout.toMillis();
        OrderPlan plan = new OrderPlan();
        plan.orderId = orderId;
        plan.category = category;
        plan.base = base;
        plan.userId = "u-" + random.nextInt(1000);
        plan.amountCents = 100 + random.nextInt(99_900);
        plan.currency = new String[] {"EUR", "USD", "CNY", "GBP"}[random.nextInt(4)];
        plan.epochMillis = random.nextBoolean();
        switch (base) {
            case PAID_IN_TIME -> plan.payAfterMs = between(0.05, 0.5, timeoutMs);
            case PAID_LATE -> plan.payAfterMs = timeoutMs + latePaymentDelay.toMillis()
                    + (long) (random.nextDouble() * Math.min(2000, latePaymentDelay.toMillis() / 2 + 1));
            case CANCELLED -> plan.cancelAfterMs = between(0.05, 0.5, timeoutMs);
            case CANCELLED_THEN_PAID -> {
                plan.cancelAfterMs = between(0.05, 0.3, timeoutMs);
                plan.payAfterMs = plan.cancelAfterMs + 500 + (long) (random.nextDouble() * 0.2 * timeoutMs);
            }
            case CANCELLED_THEN_PAID_SOON -> {
                plan.cancelAfterMs = between(0.05, 0.3, timeoutMs);
                plan.payAfterMs = plan.cancelAfterMs + soonGap(timeoutMs);
            }
            case PAID_THEN_CANCELLED_SOON -> {
                plan.payAfterMs = between(0.05, 0.3, timeoutMs);
                plan.cancelAfterMs = plan.payAfterMs + soonGap(timeoutMs);
                plan.publishCancelAnyway = true;
            }
            case OUT_OF_ORDER -> plan.payFirst = random.nextBoolean();
            case NEVER_PAID -> { }
            default -> throw new IllegalStateException("Unplanned category " + base);
        }
        if (category == Category.DUPLICATED) {
            // A never-paid order has nothing but its CREATED to send twice.
            plan.duplicateCreated = base == Category.NEVER_PAID || random.nextBoolean();
            plan.duplicateFollowUps = !plan.duplicateCreated || random.nextBoolean();
            plan.duplicateDelayMs = random.nextInt(1000);
        }
        plan.invalidSequence = random.nextDouble() < invalidFraction ? ++invalidPlanned : 0;
        worker(orderId).schedule(() -> create(plan), 0);
    }

    /** "Within a few seconds": 100 ms to 2 s, at most 0.3 × the pay timeout. */
    private long soonGap(long timeoutMs) {
        return 100 + (long) (random.nextDouble() * Math.min(1900, 0.3 * timeoutMs));
    }

    private long between(double from, double to, long timeoutMs) {
        return (long) ((from + random.nextDouble() * (to - from)) * timeoutMs);
    }

    private Category pickCategory() {
        double draw = random.nextDouble();
        for (int i = 0; i < categories.length; i++) {
            if (draw < cumulativeWeights[i]) {
                return categories[i];
            }
        }
        return categories[categories.length - 1];
    }

    private Worker worker(String orderId) {
        return workers[Math.floorMod(orderId.hashCode(), workers.length)];
    }

    /** Everything one order needs, fixed at planning time. */
    private static final class OrderPlan {
        String orderId;
        Category category;
        Category base;
        String userId;
        long amountCents;
        String currency;
        boolean epochMillis;
        long payAfterMs = -1;
        long cancelAfterMs = -1;
        boolean payFirst;
        boolean publishCancelAnyway;
        boolean duplicateCreated;
        boolean duplicateFollowUps;
        long duplicateDelayMs;
        int invalidSequence;
        long createdAt;
        long deadline;

        String paymentId() {
            return "pay-" + orderId;
        }

        /** The second follow-up of an order gets eventId suffix -e3. */
        String paySuffix() {
            return cancelAfterMs >= 0 && cancelAfterMs < payAfterMs ? "-e3" : "-e2";
        }

        String cancelSuffix() {
            return payAfterMs >= 0 && payAfterMs < cancelAfterMs ? "-e3" : "-e2";
        }
    }

    private void create(OrderPlan plan) throws SQLException {
        Worker worker = worker(plan.orderId);
        plan.createdAt = System.currentTimeMillis();
        plan.deadline = plan.createdAt + payTimeout.toMillis();
        InitialOrderRow row = new InitialOrderRow(plan.orderId, plan.userId, plan.amountCents, plan.currency,
                OrderRowStatus.PENDING_PAYMENT, Instant.ofEpochMilli(plan.createdAt));
        OrderRowWriter.insert(worker.connection(), flavor, row);
        // Unless something else happens, the job must close it.
        expectedOrders.put(plan.orderId, new ExpectedOrder(plan.orderId, plan.category, plan.base,
                OrderRowStatus.CLOSED, AuditExpectation.REQUIRED, Instant.ofEpochMilli(plan.createdAt),
                Instant.ofEpochMilli(plan.deadline), plan.userId, plan.amountCents, plan.currency));
        byte[] createdJson = EventJson.created(plan.orderId, plan.orderId + "-e1", plan.createdAt, plan.epochMillis,
                Math.toIntExact(payTimeout.getSeconds()), plan.userId, plan.amountCents, plan.currency);
        if (plan.base == Category.OUT_OF_ORDER) {
            // The payment (or cancel) service was faster than the order service's publisher.
            if (plan.payFirst) {
                pay(plan, "-e2");
            } else {
                cancel(plan, "-e2");
            }
            outOfOrder.incrementAndGet();
        }
        try {
            publisher.publish(plan.orderId, EventKind.CREATED.tag(), createdJson);
        } catch (RuntimeException e) {
            // The job will never hear of this order: it cannot be judged.
            expectedRefunds.keySet().removeIf(key -> key.startsWith(plan.orderId + "/"));
            expectedOrders.remove(plan.orderId);
            throw e;
        }
        created.incrementAndGet();
        if (plan.duplicateCreated) {
            worker.schedule(() -> publishDuplicate(plan.orderId, EventKind.CREATED, createdJson), plan.duplicateDelayMs);
        }
        if (plan.invalidSequence > 0) {
            InvalidMessageKind[] kinds = InvalidMessageKind.values();
            InvalidMessageKind kind = kinds[plan.invalidSequence % kinds.length];
            worker.schedule(() -> publishInvalid(kind, plan.invalidSequence), 0);
        }
        if (plan.cancelAfterMs >= 0) {
            worker.schedule(() -> cancel(plan, plan.cancelSuffix()), plan.cancelAfterMs);
        }
        if (plan.payAfterMs >= 0) {
            worker.schedule(() -> pay(plan, plan.paySuffix()), plan.payAfterMs);
        }
    }

    private void pay(OrderPlan plan, String eventSuffix) throws SQLException {
        Worker worker = worker(plan.orderId);
        long now = System.currentTimeMillis();
        boolean updated = updateIfPendingRetrying(worker, plan.orderId, OrderRowStatus.PAID);
        Connection connection = worker.connection();
        ExpectedRefund refund = null;
        if (updated) {
            boolean afterDeadline = now >= plan.deadline;
            setOutcome(plan.orderId, OrderRowStatus.PAID,
                    afterDeadline ? AuditExpectation.ALLOWED : AuditExpectation.FORBIDDEN);
            if (plan.base == Category.PAID_LATE) {
                latePaidBeforeClose.incrementAndGet();
            }
        } else {
            String status = currentStatus(connection, plan.orderId);
            if (OrderRowStatus.CLOSED.name().equals(status)) {
                refund = new ExpectedRefund(plan.orderId, plan.paymentId(), ExpectedRefund.Reason.PAID_AFTER_CLOSE);
                latePaid.incrementAndGet();
            } else if (OrderRowStatus.CANCELLED.name().equals(status)) {
                // Paid after the deadline and read before the cancel (another queue), this is a
                // payment after a close to the job: a close decision that finds the row cancelled,
                // and the refund labelled PAID_AFTER_CLOSE (DESIGN.md §3; the guard writes it).
                boolean afterDeadline = now >= plan.deadline;
                refund = new ExpectedRefund(plan.orderId, plan.paymentId(), ExpectedRefund.Reason.PAID_AFTER_CANCEL,
                        afterDeadline ? ExpectedRefund.Reason.PAID_AFTER_CLOSE : null);
                if (afterDeadline) {
                    setOutcome(plan.orderId, OrderRowStatus.CANCELLED, AuditExpectation.ALLOWED);
                }
                paidAfterCancel.incrementAndGet();
            } else {
                LOG.warn("Payment of order {} found status {}; no refund expected", plan.orderId, status);
            }
            if (refund != null) {
                expectedRefunds.put(refundKey(refund), refund);
            }
        }
        byte[] json = EventJson.paid(plan.orderId, plan.orderId + eventSuffix, now, plan.epochMillis, plan.paymentId());
        try {
            publisher.publish(plan.orderId, EventKind.PAID.tag(), json);
        } catch (RuntimeException e) {
            if (updated) {
                // The job will time the order out; its close finds PAID and changes nothing.
                setOutcome(plan.orderId, OrderRowStatus.PAID, AuditExpectation.ALLOWED);
            } else if (refund != null) {
                expectedRefunds.remove(refundKey(refund));
            }
            throw e;
        }
        if (updated && System.currentTimeMillis() >= plan.deadline) {
            // Published only after the deadline (a slow broker or database): the job may decide
            // to close before it hears of the payment, and its close must then find the row paid.
            setOutcome(plan.orderId, OrderRowStatus.PAID, AuditExpectation.ALLOWED);
        }
        paid.incrementAndGet();
        if (plan.duplicateFollowUps) {
            worker(plan.orderId).schedule(() -> publishDuplicate(plan.orderId, EventKind.PAID, json),
                    plan.duplicateDelayMs);
        }
    }

    private void cancel(OrderPlan plan, String eventSuffix) throws SQLException {
        Worker worker = worker(plan.orderId);
        long now = System.currentTimeMillis();
        boolean updated = updateIfPendingRetrying(worker, plan.orderId, OrderRowStatus.CANCELLED);
        Connection connection = worker.connection();
        boolean guardedRefund = false;
        if (updated) {
            setOutcome(plan.orderId, OrderRowStatus.CANCELLED,
                    now >= plan.deadline ? AuditExpectation.ALLOWED : AuditExpectation.FORBIDDEN);
        } else if (plan.publishCancelAnyway) {
            // The shop publishes its cancel although the order is no longer pending. If the row
            // says PAID, the job requests a refund of that payment and the guard turns it down.
            guardedRefund = OrderRowStatus.PAID.name().equals(currentStatus(connection, plan.orderId));
        } else {
            // The order service refuses to cancel an order that is no longer pending.
            cancelsRefused.incrementAndGet();
            return;
        }
        byte[] json = EventJson.cancelled(plan.orderId, plan.orderId + eventSuffix, now, plan.epochMillis);
        try {
            publisher.publish(plan.orderId, EventKind.CANCELLED.tag(), json);
        } catch (RuntimeException e) {
            if (updated) {
                setOutcome(plan.orderId, OrderRowStatus.CANCELLED, AuditExpectation.ALLOWED);
            }
            throw e;
        }
        if (updated && System.currentTimeMillis() >= plan.deadline) {
            // As for payments: published after the deadline, the job may close first.
            setOutcome(plan.orderId, OrderRowStatus.CANCELLED, AuditExpectation.ALLOWED);
        }
        if (guardedRefund) {
            guardedRefundRequests.incrementAndGet();
            cancelsAfterPayment.incrementAndGet();
        }
        cancelled.incrementAndGet();
        if (plan.duplicateFollowUps) {
            worker(plan.orderId).schedule(() -> publishDuplicate(plan.orderId, EventKind.CANCELLED, json),
                    plan.duplicateDelayMs);
        }
    }

    private void publishDuplicate(String orderId, EventKind kind, byte[] json) {
        publisher.publish(orderId, kind.tag(), json);
        duplicates.incrementAndGet();
    }

    private void publishInvalid(InvalidMessageKind kind, int sequence) {
        String key = orderIdPrefix + EventJson.invalidKey(kind, sequence);
        publisher.publish(key, EventKind.INVALID.tag(), EventJson.invalid(kind, sequence, System.currentTimeMillis()));
        invalid.incrementAndGet();
        expectedDeadLetters.incrementAndGet();
    }

    private void setOutcome(String orderId, OrderRowStatus status, AuditExpectation audit) {
        expectedOrders.computeIfPresent(orderId, (id, order) -> order.withOutcome(status, audit));
    }

    private static String refundKey(ExpectedRefund refund) {
        return refund.orderId() + "/" + refund.paymentId();
    }

    /**
     * The payment (or order) service's conditional update, retried while the database is
     * unreachable (a real service would not drop an accepted payment). A retry after a broken
     * connection may find that the lost attempt did commit: the row then already has the status.
     */
    private boolean updateIfPendingRetrying(Worker worker, String orderId, OrderRowStatus status)
            throws SQLException {
        long giveUpNanos = System.nanoTime() + UPDATE_RETRY_LIMIT.toNanos();
        boolean retried = false;
        while (true) {
            try {
                Connection connection = worker.connection();
                if (updateIfPending(connection, orderId, status)) {
                    return true;
                }
                return retried && status.name().equals(currentStatus(connection, orderId));
            } catch (SQLException e) {
                worker.closeConnection();
                if (!isConnectionProblem(e) || stopRequested || System.nanoTime() - giveUpNanos > 0) {
                    throw e;
                }
                retried = true;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    /** SQL state class 08 (connection) or 57P (server shutting down / not yet accepting). */
    static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLRecoverableException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }

    private static boolean updateIfPending(Connection connection, String orderId, OrderRowStatus status)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE orders SET status=? WHERE order_id=? AND status='PENDING_PAYMENT'")) {
            update.setString(1, status.name());
            update.setString(2, orderId);
            return update.executeUpdate() == 1;
        }
    }

    private static String currentStatus(Connection connection, String orderId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT status FROM orders WHERE order_id=?")) {
            select.setString(1, orderId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** One thread, one connection; runs the actions of the orders hashed to it in time order. */
    private final class Worker {
        final ScheduledThreadPoolExecutor executor;
        private Connection connection;

        Worker(int index) {
            executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "live-orders-worker-" + index);
                thread.setDaemon(true);
                return thread;
            });
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        void schedule(Action action, long delayMs) {
            backlog.incrementAndGet();
            try {
                executor.schedule(() -> {
                    try {
                        action.run();
                    } catch (Exception e) {
                        if (e instanceof SQLException) {
                            // The next action opens a new connection (e.g. after a database restart).
                            closeConnection();
                        }
                        onFailure(e);
                    } finally {
                        backlog.decrementAndGet();
                    }
                }, delayMs, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                backlog.decrementAndGet(); // rejected: the simulator is closing
            }
        }

        Connection connection() throws SQLException {
            if (connection == null || connection.isClosed()) {
                connection = connections.open();
                connection.setAutoCommit(true);
            }
            return connection;
        }

        void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("Closing a worker connection failed", e);
                }
                connection = null;
            }
        }
    }

    private void onFailure(Exception e) {
        long count = failures.incrementAndGet();
        if (count <= 10 || count % 1000 == 0) {
            LOG.warn("Live order action failed ({} failures so far): {}", count, e.toString());
        }
    }

    public static final class Builder {
        private EventPublisher publisher;
        private JdbcConnectionFactory connections;
        private SqlFlavor flavor;
        private double ordersPerSecond = 20;
        private Duration payTimeout = Duration.ofSeconds(30);
        private Duration latePaymentDelay = Duration.ofSeconds(15);
        private final Map<Category, Double> mix = defaultMix();
        private double invalidFraction = 0.01;
        private long maxOrders = Long.MAX_VALUE;
        private Duration maxDuration = Duration.ofHours(1);
        private int workers = 2;
        private String orderIdPrefix;
        private long seed = 42;

        private Builder() {}

        static Map<Category, Double> defaultMix() {
            Map<Category, Double> mix = new EnumMap<>(Category.class);
            mix.put(Category.PAID_IN_TIME, 0.70);
            mix.put(Category.NEVER_PAID, 0.10);
            mix.put(Category.PAID_LATE, 0.05);
            mix.put(Category.CANCELLED, 0.06);
            mix.put(Category.CANCELLED_THEN_PAID, 0.03);
            mix.put(Category.CANCELLED_THEN_PAID_SOON, 0.02);
            mix.put(Category.PAID_THEN_CANCELLED_SOON, 0.02);
            mix.put(Category.DUPLICATED, 0.04);
            mix.put(Category.OUT_OF_ORDER, 0.02);
            return mix;
        }

        public Builder publisher(EventPublisher publisher) {
            this.publisher = publisher;
            return this;
        }

        /** The database the job writes to; each worker opens one connection. */
        public Builder database(JdbcConnectionFactory connections, SqlFlavor flavor) {
            this.connections = connections;
            this.flavor = flavor;
            return this;
        }

        public Builder ordersPerSecond(double ordersPerSecond) {
            this.ordersPerSecond = ordersPerSecond;
            return this;
        }

        /** Written into every CREATED (payTimeoutSeconds). Default 30 s. */
        public Builder payTimeout(Duration payTimeout) {
            this.payTimeout = Objects.requireNonNull(payTimeout);
            return this;
        }

        /**
         * How long after the deadline a late payment comes. Make it exceed the job's
         * out-of-orderness bound plus its close latency, or late payments will mostly find their
         * order still pending (then they count as paid, not refunded). Default 15 s.
         */
        public Builder latePaymentDelay(Duration latePaymentDelay) {
            this.latePaymentDelay = Objects.requireNonNull(latePaymentDelay);
            return this;
        }

        public Builder fraction(Category category, double fraction) {
            mix.put(category, fraction);
            return this;
        }

        public Builder mix(Map<Category, Double> fractions) {
            mix.clear();
            mix.putAll(fractions);
            return this;
        }

        /** Share of orders followed by one message the job must dead-letter. Default 0.01. */
        public Builder invalidFraction(double invalidFraction) {
            this.invalidFraction = invalidFraction;
            return this;
        }

        public Builder maxOrders(long maxOrders) {
            this.maxOrders = maxOrders;
            return this;
        }

        /** Creation stops after this long. Default 1 h. */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = Objects.requireNonNull(maxDuration);
            return this;
        }

        /** Worker threads (and database connections). Default 2. */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Default "live-&lt;start time in base 36&gt;-", so that runs can share a database. */
        public Builder orderIdPrefix(String orderIdPrefix) {
            this.orderIdPrefix = orderIdPrefix;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public LiveOrderSimulator build() {
            return new LiveOrderSimulator(this);
        }
    }
}
