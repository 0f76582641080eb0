package io.ordertimeout.testkit.workload;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The verdict of a {@link GroundTruthCheck}: readable as a test failure message and as demo output. */
public final class GroundTruthReport {

    private final int mismatchCount;
    private final List<Mismatch> firstMismatches;
    private final Map<Category, Integer> ordersPerCategory;
    private final Map<Category, Integer> wrongOrdersPerCategory;
    private final Map<OrderRowStatus, Integer> expectedStatusCounts;
    private final Map<String, Integer> actualStatusCounts;
    private final int expectedRefunds;
    private final int actualRefunds;
    private final int expectedAudits;
    private final int actualAudits;
    private final int unknownOrderRows;
    private final int expectedDeadLetters;
    private final Integer distinctDeadLetters;
    private final LatenessStats lateness;

    GroundTruthReport(int mismatchCount, List<Mismatch> firstMismatches, Map<Category, Integer> ordersPerCategory,
            Map<Category, Integer> wrongOrdersPerCategory, Map<OrderRowStatus, Integer> expectedStatusCounts,
            Map<String, Integer> actualStatusCounts, int expectedRefunds, int actualRefunds, int expectedAudits,
            int actualAudits, int unknownOrderRows, int expectedDeadLetters, Integer distinctDeadLetters,
            LatenessStats lateness) {
        this.mismatchCount = mismatchCount;
        this.firstMismatches = List.copyOf(firstMismatches);
        this.ordersPerCategory = Collections.unmodifiableMap(new EnumMap<>(ordersPerCategory));
        this.wrongOrdersPerCategory = Collections.unmodifiableMap(new EnumMap<>(wrongOrdersPerCategory));
        this.expectedStatusCounts = Collections.unmodifiableMap(new EnumMap<>(expectedStatusCounts));
        this.actualStatusCounts = Map.copyOf(actualStatusCounts);
        this.expectedRefunds = expectedRefunds;
        this.actualRefunds = actualRefunds;
        this.expectedAudits = expectedAudits;
        this.actualAudits = actualAudits;
        this.unknownOrderRows = unknownOrderRows;
        this.expectedDeadLetters = expectedDeadLetters;
        this.distinctDeadLetters = distinctDeadLetters;
        this.lateness = lateness;
    }

    public boolean passed() {
        return mismatchCount == 0;
    }

    /** All mismatches found (only the first few are kept in {@link #mismatches()}). */
    public int mismatchCount() {
        return mismatchCount;
    }

    public List<Mismatch> mismatches() {
        return firstMismatches;
    }

    public Map<Category, Integer> ordersPerCategory() {
        return ordersPerCategory;
    }

    public Map<Category, Integer> wrongOrdersPerCategory() {
        return wrongOrdersPerCategory;
    }

    /** Status counts of the expected orders as found in the database. */
    public Map<String, Integer> actualStatusCounts() {
        return actualStatusCounts;
    }

    public int actualRefunds() {
        return actualRefunds;
    }

    public int actualAudits() {
        return actualAudits;
    }

    /** Rows of orders that belong to no expected order (not an error: the table may be shared). */
    public int unknownOrderRows() {
        return unknownOrderRows;
    }

    /** Distinct dead-letter payloads in the table, or null when the table was not checked or is missing. */
    public Integer distinctDeadLetters() {
        return distinctDeadLetters;
    }

    /** closed_at − deadline over the audit rows of the expected orders. */
    public LatenessStats lateness() {
        return lateness;
    }

    /** Throws an AssertionError carrying {@link #summary()} unless the check passed. */
    public void assertPassed() {
        if (!passed()) {
            throw new AssertionError(summary());
        }
    }

    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("Ground truth check ").append(passed() ? "PASS" : "FAIL")
                .append(": ").append(mismatchCount).append(" mismatch(es)\n");
        text.append("  orders per category (wrong):");
        ordersPerCategory.forEach((category, count) -> text.append(' ').append(category).append('=').append(count)
                .append('(').append(wrongOrdersPerCategory.getOrDefault(category, 0)).append(')'));
        text.append("\n  status expected ").append(expectedStatusCounts).append(", found ")
                .append(new java.util.TreeMap<>(actualStatusCounts)).append('\n');
        text.append("  refunds expected=").append(expectedRefunds).append(" found=").append(actualRefunds)
                .append("; audit rows required=").append(expectedAudits).append(" found=").append(actualAudits)
                .append("; unrelated order rows=").append(unknownOrderRows).append('\n');
        text.append("  dead letters expected=").append(expectedDeadLetters).append(" found=")
                .append(distinctDeadLetters == null ? "not checked" : distinctDeadLetters).append('\n');
        text.append("  ").append(lateness).append('\n');
        if (!firstMismatches.isEmpty()) {
            text.append("  first ").append(firstMismatches.size()).append(" mismatch(es):\n");
            for (Mismatch mismatch : firstMismatches) {
                text.append("    ").append(mismatch).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
