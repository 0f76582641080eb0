package io.ordertimeout.bench;

import io.ordertimeout.event.OrderEvent;
import io.ordertimeout.event.OrderMessage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Operator-throughput input, made in the source (no broker, no parsing): event 2n creates order n
 * at event time base + n ms; event 2n+1 pays order n − 1000 unless that order is one of every
 * five left unpaid (those time out), in which case it repeats the CREATED of order n (ignored as
 * a duplicate). So 20% of orders are closed by their timer, 80% are paid about 1 s after creation.
 */
final class GeneratedOrders implements GeneratorFunction<Long, OrderMessage> {

    private static final long serialVersionUID = 1L;
    static final long BASE_TIME = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long PAYMENT_LAG = 1000;

    /** Wall clock of the first generated event; the source runs in this JVM (MiniCluster). */
    static final AtomicLong FIRST_EVENT_NANOS = new AtomicLong();

    @Override
    public OrderMessage map(Long index) {
        if (index == 0) {
            FIRST_EVENT_NANOS.set(System.nanoTime());
        }
        long order = index / 2;
        long eventTime = BASE_TIME + order;
        if (index % 2 == 0) {
            return OrderMessage.valid(OrderEvent.created(orderId(order), eventTime));
        }
        long paidOrder = order - PAYMENT_LAG;
        if (paidOrder >= 0 && paidOrder % 5 != 0) {
            return OrderMessage.valid(OrderEvent.paid(orderId(paidOrder), eventTime, "p-" + paidOrder));
        }
        return OrderMessage.valid(OrderEvent.created(orderId(order), eventTime));
    }

    static String orderId(long order) {
        return "g-" + order;
    }
}
