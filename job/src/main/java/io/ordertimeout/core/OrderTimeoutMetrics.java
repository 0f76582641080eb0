package io.ordertimeout.core;

import io.ordertimeout.event.OrderEventType;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics of DESIGN.md §7 that the timeout operator owns, registered per subtask under the
 * group {@code orderTimeout} so they show up together in the web UI and in reporters.
 */
final class OrderTimeoutMetrics {

    static final String GROUP = "orderTimeout";
    private static final int LATENESS_WINDOW = 10_000;

    private final Map<OrderEventType, Counter> eventsByType = new EnumMap<>(OrderEventType.class);
    final Counter duplicates;
    final Counter ignored;
    final Counter closes;
    final Counter refunds;
    /** A second payment (another paymentId) for an order that is already paid: the shop should look. */
    final Counter extraPayments;
    final Histogram closeLatenessMillis;

    OrderTimeoutMetrics(MetricGroup parent, LongSupplier pendingOrders, LongSupplier watermarkLagMillis) {
        MetricGroup group = parent.addGroup(GROUP);
        eventsByType.put(OrderEventType.ORDER_CREATED, group.counter("eventsCreated"));
        eventsByType.put(OrderEventType.ORDER_PAID, group.counter("eventsPaid"));
        eventsByType.put(OrderEventType.ORDER_CANCELLED, group.counter("eventsCancelled"));
        duplicates = group.counter("duplicates");
        ignored = group.counter("ignoredEvents");
        closes = group.counter("closes");
        refunds = group.counter("refunds");
        extraPayments = group.counter("extraPayments");
        closeLatenessMillis = group.histogram("closeLatenessMillis", new DescriptiveStatisticsHistogram(LATENESS_WINDOW));
        group.gauge("pendingOrders", pendingOrders::getAsLong);
        group.gauge("watermarkLagMillis", watermarkLagMillis::getAsLong);
    }

    void countEvent(OrderEventType type) {
        eventsByType.get(type).inc();
    }
}
