package io.ordertimeout.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordertimeout.core.OrderStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * What {@code inspect} reports about a savepoint, built in one pass over its orders: orders by
 * status, a histogram of the pending orders' deadlines relative to now, the oldest pending
 * deadlines, one order by id, and two consistency checks (the pending-orders counter against the
 * pending states; pending orders without their deadline timer).
 */
final class InspectReport {

    /** Upper bounds (exclusive) of the deadline buckets, relative to now; the last bucket is open. */
    private static final List<Map.Entry<String, Duration>> BUCKETS = List.of(
            Map.entry("overdue", Duration.ZERO),
            Map.entry("< 1 min", Duration.ofMinutes(1)),
            Map.entry("1-5 min", Duration.ofMinutes(5)),
            Map.entry("5-30 min", Duration.ofMinutes(30)),
            Map.entry("30 min-2 h", Duration.ofHours(2)),
            Map.entry("2-24 h", Duration.ofHours(24)));
    private static final String LAST_BUCKET = ">= 24 h";

    private final long now;
    private final int oldestLimit;
    private final String orderId;

    private final Map<OrderStatus, Long> byStatus = new EnumMap<>(OrderStatus.class);
    private final Map<String, Long> deadlineHistogram = new LinkedHashMap<>();
    /** Max-heap by deadline holding the {@link #oldestLimit} smallest deadlines. */
    private final PriorityQueue<OrderInSavepoint> oldest =
            new PriorityQueue<>(Comparator.comparingLong((OrderInSavepoint o) -> o.deadline).reversed());
    private long orders;
    private long pendingWithoutTimer;
    private long pendingOrdersCounter;
    private OrderInSavepoint found;

    InspectReport(long now, int oldestLimit, String orderId) {
        this.now = now;
        this.oldestLimit = oldestLimit;
        this.orderId = orderId;
        for (OrderStatus status : OrderStatus.values()) {
            byStatus.put(status, 0L);
        }
        BUCKETS.forEach(bucket -> deadlineHistogram.put(bucket.getKey(), 0L));
        deadlineHistogram.put(LAST_BUCKET, 0L);
    }

    void add(OrderInSavepoint order) {
        orders++;
        byStatus.merge(order.status, 1L, Long::sum);
        if (order.orderId.equals(orderId)) {
            found = order;
        }
        if (order.status != OrderStatus.PENDING) {
            return;
        }
        deadlineHistogram.merge(bucket(order.deadline - now), 1L, Long::sum);
        if (order.pendingWithoutDeadlineTimer()) {
            pendingWithoutTimer++;
        }
        if (oldestLimit > 0) {
            oldest.add(order);
            if (oldest.size() > oldestLimit) {
                oldest.poll();
            }
        }
    }

    void pendingOrdersCounter(long value) {
        this.pendingOrdersCounter = value;
    }

    private static String bucket(long untilDeadline) {
        for (Map.Entry<String, Duration> bucket : BUCKETS) {
            if (untilDeadline < bucket.getValue().toMillis()) {
                return bucket.getKey();
            }
        }
        return LAST_BUCKET;
    }

    long pending() {
        return byStatus.get(OrderStatus.PENDING);
    }

    private List<OrderInSavepoint> oldestAscending() {
        List<OrderInSavepoint> list = new ArrayList<>(oldest);
        list.sort(Comparator.comparingLong(o -> o.deadline));
        return list;
    }

    void printText(PrintStream out) {
        out.println("Orders in the savepoint: " + orders);
        byStatus.forEach((status, count) -> out.printf("  %-10s %d%n", status, count));
        out.println("pendingOrders counter (the gauge after a restore): " + pendingOrdersCounter
                + (pendingOrdersCounter == pending() ? " (matches)" : " (DIFFERS from " + pending() + " pending states)"));
        if (pendingWithoutTimer > 0) {
            out.println("Pending orders WITHOUT their deadline timer (never closed): " + pendingWithoutTimer);
        }
        out.println("Pending deadlines (as of " + Instant.ofEpochMilli(now) + "):");
        deadlineHistogram.forEach((bucket, count) -> out.printf("  %-11s %d%n", bucket, count));
        if (!oldest.isEmpty()) {
            out.println("Oldest pending deadlines:");
            for (OrderInSavepoint order : oldestAscending()) {
                out.println("  " + Instant.ofEpochMilli(order.deadline) + "  " + order.orderId);
            }
        }
        if (orderId != null) {
            if (found == null) {
                out.println("Order " + orderId + ": not in the savepoint");
            } else {
                out.println("Order " + orderId + ": " + found.status + ", deadline " + Instant.ofEpochMilli(found.deadline)
                        + (found.cleanupAt > 0 ? ", state cleared at " + Instant.ofEpochMilli(found.cleanupAt) : "")
                        + ", timers " + timersText(found.timers)
                        + (found.paymentId != null ? ", payment " + found.paymentId : ""));
            }
        }
    }

    private static String timersText(long[] timers) {
        List<String> texts = new ArrayList<>();
        for (long timer : timers) {
            texts.add(Instant.ofEpochMilli(timer).toString());
        }
        return texts.toString();
    }

    ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("now", now);
        root.put("orders", orders);
        ObjectNode statuses = root.putObject("byStatus");
        byStatus.forEach((status, count) -> statuses.put(status.name(), count));
        root.put("pendingOrdersCounter", pendingOrdersCounter);
        root.put("pendingWithoutDeadlineTimer", pendingWithoutTimer);
        ObjectNode histogram = root.putObject("pendingDeadlines");
        deadlineHistogram.forEach(histogram::put);
        ArrayNode oldestNode = root.putArray("oldestPending");
        for (OrderInSavepoint order : oldestAscending()) {
            oldestNode.addObject().put("orderId", order.orderId).put("deadline", order.deadline);
        }
        if (orderId != null) {
            root.set("order", found == null ? mapper.nullNode() : mapper.valueToTree(found));
        }
        return root;
    }

    void printJson(PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.println(mapper.writeValueAsString(json(mapper)));
    }
}
