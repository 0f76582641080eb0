package io.ordertimeout.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordertimeout.core.OrderStatus;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code reconcile}: compares the orders of a savepoint with the orders table. The job's orders are
 * held in memory (id, status, deadline); the table's pending orders are streamed past them in one
 * query; the few job-pending orders the table no longer has as pending are then looked up by id.
 */
final class ReconcileCommand {

    private ReconcileCommand() {}

    private record JobOrder(OrderStatus status, long deadline) {}

    static List<Difference> run(ToolSettings settings, SavepointOrders savepoint, OrdersTable table, long now)
            throws Exception {
        Map<String, JobOrder> job = new HashMap<>();
        Set<String> jobPendingNotPendingInTable = new HashSet<>();
        savepoint.forEachOrder(order -> {
            job.put(order.orderId, new JobOrder(order.status, order.deadline));
            if (order.status == OrderStatus.PENDING) {
                jobPendingNotPendingInTable.add(order.orderId);
            }
        });

        List<Difference> differences = new ArrayList<>();
        long overdue = now - settings.reconcileGrace.toMillis();
        table.readPendingOrders(row -> {
            JobOrder inJob = job.get(row.orderId);
            if (inJob != null && inJob.status == OrderStatus.PENDING) {
                jobPendingNotPendingInTable.remove(row.orderId);
            } else if (row.deadline < overdue) {
                differences.add(inJob == null
                        ? new Difference(Difference.Kind.PENDING_IN_TABLE_UNKNOWN_TO_JOB, row.orderId, null,
                                settings.pendingStatus, row.deadline)
                        : new Difference(Difference.Kind.PENDING_IN_TABLE_FINISHED_IN_JOB, row.orderId,
                                inJob.status.name(), settings.pendingStatus, row.deadline));
            }
        });

        Map<String, String> statuses = table.statuses(jobPendingNotPendingInTable);
        for (String orderId : jobPendingNotPendingInTable) {
            String tableStatus = statuses.get(orderId);
            long deadline = job.get(orderId).deadline;
            if (tableStatus == null) {
                differences.add(new Difference(Difference.Kind.PENDING_IN_JOB_MISSING_FROM_TABLE, orderId,
                        OrderStatus.PENDING.name(), null, deadline));
            } else if (!tableStatus.equals(settings.pendingStatus)) { // pending now: created after the query
                differences.add(new Difference(Difference.Kind.PENDING_IN_JOB_SETTLED_IN_TABLE, orderId,
                        OrderStatus.PENDING.name(), tableStatus, deadline));
            }
        }
        differences.sort(Comparator.comparing(Difference::kind).thenComparing(Difference::orderId));
        return differences;
    }

    static void printText(List<Difference> differences, int limit, PrintStream out) {
        if (differences.isEmpty()) {
            out.println("No differences: the savepoint and the orders table agree.");
            return;
        }
        Map<Difference.Kind, Long> counts = counts(differences);
        out.println(differences.size() + " differences:");
        counts.forEach((kind, count) -> out.printf("  %-34s %d%n", kind, count));
        int shown = 0;
        for (Difference difference : differences) {
            if (shown++ == limit) {
                out.println("  ... (" + (differences.size() - limit) + " more; --json lists all)");
                break;
            }
            out.println("  " + difference.kind() + " " + difference.orderId() + " job=" + difference.jobStatus()
                    + " table=" + difference.tableStatus()
                    + (difference.deadline() != null ? " deadline=" + Instant.ofEpochMilli(difference.deadline()) : ""));
        }
    }

    static void printJson(List<Difference> differences, PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("differences", differences.size());
        ObjectNode byKind = root.putObject("byKind");
        counts(differences).forEach((kind, count) -> byKind.put(kind.name(), count));
        ArrayNode list = root.putArray("list");
        for (Difference difference : differences) {
            list.addObject()
                    .put("kind", difference.kind().name())
                    .put("orderId", difference.orderId())
                    .put("jobStatus", difference.jobStatus())
                    .put("tableStatus", difference.tableStatus())
                    .put("deadline", difference.deadline());
        }
        out.println(mapper.writeValueAsString(root));
    }

    private static Map<Difference.Kind, Long> counts(List<Difference> differences) {
        Map<Difference.Kind, Long> counts = new EnumMap<>(Difference.Kind.class);
        for (Difference.Kind kind : Difference.Kind.values()) {
            counts.put(kind, 0L);
        }
        differences.forEach(d -> counts.merge(d.kind(), 1L, Long::sum));
        return counts;
    }
}
