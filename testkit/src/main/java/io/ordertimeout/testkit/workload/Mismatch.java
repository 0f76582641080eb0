package io.ordertimeout.testkit.workload;

/** One difference between the database and the ground truth; category is null for unknown orders. */
public record Mismatch(String orderId, Category category, String problem) {

    @Override
    public String toString() {
        return orderId + (category == null ? "" : " [" + category + "]") + ": " + problem;
    }
}
