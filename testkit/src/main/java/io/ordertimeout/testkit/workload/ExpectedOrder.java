package io.ordertimeout.testkit.workload;

import java.time.Instant;
import java.util.Objects;

/**
 * The expected final database state of one order.
 *
 * @param category what was done with the order
 * @param baseCategory for DUPLICATED the category whose events were duplicated, else {@code category}
 * @param deadline CREATED occurredAt + pay timeout, what the job must write to the audit row
 */
public record ExpectedOrder(
        String orderId,
        Category category,
        Category baseCategory,
        OrderRowStatus finalStatus,
        AuditExpectation audit,
        Instant createdAt,
        Instant deadline,
        String userId,
        long amountCents,
        String currency) {

    public ExpectedOrder {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(baseCategory, "baseCategory");
        Objects.requireNonNull(finalStatus, "finalStatus");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(deadline, "deadline");
    }

    ExpectedOrder withOutcome(OrderRowStatus status, AuditExpectation auditExpectation) {
        return new ExpectedOrder(orderId, category, baseCategory, status, auditExpectation, createdAt, deadline,
                userId, amountCents, currency);
    }
}
