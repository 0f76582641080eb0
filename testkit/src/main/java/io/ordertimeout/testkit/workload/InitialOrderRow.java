package io.ordertimeout.testkit.workload;

import java.time.Instant;
import java.util.Objects;

/** A row of the orders table as the order and payment services leave it before the job acts. */
public record InitialOrderRow(
        String orderId, String userId, long amountCents, String currency, OrderRowStatus status, Instant createdAt) {

    public InitialOrderRow {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
