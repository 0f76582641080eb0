package io.ordertimeout.testkit.workload;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What the database must hold once the job has processed a workload: the ground truth. Immutable. */
public final class ExpectedOutcome {

    private final Map<String, ExpectedOrder> orders;
    private final Set<ExpectedRefund> refunds;
    private final int deadLetters;
    private final int guardedRefundRequests;

    public ExpectedOutcome(Collection<ExpectedOrder> orders, Collection<ExpectedRefund> refunds, int deadLetters) {
        this(orders, refunds, deadLetters, 0);
    }

    /**
     * @param guardedRefundRequests refund requests the job must emit that the database guard turns
     *     down (a cancel that met an accepted payment, DESIGN.md §3); no row for them
     */
    public ExpectedOutcome(Collection<ExpectedOrder> orders, Collection<ExpectedRefund> refunds, int deadLetters,
            int guardedRefundRequests) {
        Map<String, ExpectedOrder> byId = new LinkedHashMap<>();
        for (ExpectedOrder order : orders) {
            if (byId.put(order.orderId(), order) != null) {
                throw new IllegalArgumentException("Order " + order.orderId() + " is expected twice");
            }
        }
        for (ExpectedRefund refund : refunds) {
            if (!byId.containsKey(refund.orderId())) {
                throw new IllegalArgumentException("Refund for unknown order " + refund.orderId());
            }
        }
        this.orders = Collections.unmodifiableMap(byId);
        this.refunds = Collections.unmodifiableSet(new LinkedHashSet<>(refunds));
        this.deadLetters = deadLetters;
        this.guardedRefundRequests = guardedRefundRequests;
    }

    /** Every order of the workload by id, in creation order. */
    public Map<String, ExpectedOrder> orders() {
        return orders;
    }

    public ExpectedOrder order(String orderId) {
        return orders.get(orderId);
    }

    public Set<String> orderIdsWithStatus(OrderRowStatus status) {
        return orders.values().stream()
                .filter(order -> order.finalStatus() == status)
                .map(ExpectedOrder::orderId)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public Set<ExpectedRefund> refunds() {
        return refunds;
    }

    /** Orders that must have exactly one row in order_timeout_log. */
    public Set<String> auditOrderIds() {
        return orders.values().stream()
                .filter(order -> order.audit() == AuditExpectation.REQUIRED)
                .map(ExpectedOrder::orderId)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Messages the job must reject as dead letters (they name no order of the database). */
    public int deadLetters() {
        return deadLetters;
    }

    /**
     * Refund requests the job must emit that the database guard turns down: a cancel that met a
     * payment the database had accepted. The job's refund counter is {@code refunds().size()} plus this.
     */
    public int guardedRefundRequests() {
        return guardedRefundRequests;
    }

    public Map<Category, Integer> categoryCounts() {
        Map<Category, Integer> counts = new EnumMap<>(Category.class);
        for (ExpectedOrder order : orders.values()) {
            counts.merge(order.category(), 1, Integer::sum);
        }
        return counts;
    }

    public Map<OrderRowStatus, Integer> statusCounts() {
        Map<OrderRowStatus, Integer> counts = new EnumMap<>(OrderRowStatus.class);
        for (ExpectedOrder order : orders.values()) {
            counts.merge(order.finalStatus(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ExpectedOutcome{orders=" + orders.size() + " " + statusCounts() + ", refunds=" + refunds.size()
                + ", guardedRefundRequests=" + guardedRefundRequests + ", deadLetters=" + deadLetters + ", categories=" + categoryCounts() + "}";
    }
}
