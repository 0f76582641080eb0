package io.ordertimeout.sink;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import java.util.Optional;

/**
 * The statements the sinks run (DESIGN.md §5), each the configured override or the default
 * rendered from the configured names for the dialect. Defaults are written with the same named
 * parameters an override uses, so both go through one parser and one binding path. All are
 * built (and validated) when this object is created, at job submission.
 */
public final class OrderStatements {

    private final BoundStatement<CloseCommand> close;
    private final BoundStatement<CloseCommand> audit;
    private final BoundStatement<RefundRequest> refund;
    private final BoundStatement<DeadLetter> deadLetter;

    public OrderStatements(JdbcSinkSettings settings) {
        SqlDialect dialect = settings.dialect();
        this.close = BoundStatement.bind(settings.closeStatement().orElseGet(() -> defaultClose(settings)),
                CloseParameter.class, dialect, OrderTimeoutOptions.CLOSE_STATEMENT);
        this.audit = BoundStatement.bind(settings.auditStatement().orElseGet(() -> defaultAudit(settings)),
                CloseParameter.class, dialect, OrderTimeoutOptions.AUDIT_STATEMENT);
        this.refund = BoundStatement.bind(settings.refundStatement().orElseGet(() -> defaultRefund(settings)),
                RefundParameter.class, dialect, OrderTimeoutOptions.REFUND_STATEMENT);
        this.deadLetter = settings.deadLetterTable()
                .map(table -> BoundStatement.bind(defaultDeadLetter(table), DeadLetterParameter.class, dialect,
                        OrderTimeoutOptions.DB_DEAD_LETTER_TABLE))
                .orElse(null);
    }

    /** Closes the order only while it is still pending: idempotent, never touches a paid order. */
    static String defaultClose(JdbcSinkSettings s) {
        return "UPDATE " + s.ordersTable()
                + " SET " + s.statusColumn() + " = " + literal(s.closedStatus())
                + ", " + s.closeReasonColumn() + " = " + literal(s.closeReason())
                + ", " + s.closedAtColumn() + " = :closed_at"
                + " WHERE " + s.orderIdColumn() + " = :order_id"
                + " AND " + s.statusColumn() + " = " + literal(s.pendingStatus());
    }

    /** One row per close decision; a replayed decision is ignored by the primary key. */
    static String defaultAudit(JdbcSinkSettings s) {
        return s.dialect().insertIgnoringDuplicates(s.auditTable(),
                "order_id, deadline, closed_at, lateness_ms",
                "VALUES (:order_id, :deadline, :closed_at, :lateness_ms)");
    }

    /**
     * One row per (order_id, payment_id), and none when the order row says paid: then the payment
     * won the race against the close and there is nothing to give back (COMMON.md, DESIGN.md §4).
     */
    static String defaultRefund(JdbcSinkSettings s) {
        SqlDialect dialect = s.dialect();
        String paidOrder = "SELECT 1 FROM " + s.ordersTable()
                + " WHERE " + s.orderIdColumn() + " = :order_id"
                + " AND " + s.statusColumn() + " = " + literal(s.paidStatus());
        return dialect.insertIgnoringDuplicates(s.refundTable(),
                "order_id, payment_id, reason, paid_at, requested_at, user_id, amount_cents, currency",
                dialect.selectRowWhere(
                        ":order_id, :payment_id, :reason, :paid_at, :requested_at, :user_id, :amount_cents, :currency",
                        "NOT EXISTS (" + paidOrder + ")"));
    }

    /** A plain insert: the table's key is generated, each rejection is its own row. */
    static String defaultDeadLetter(String table) {
        return "INSERT INTO " + table + " (source_position, reason, payload, rejected_at)"
                + " VALUES (:source_position, :reason, :payload, :rejected_at)";
    }

    /** Only for values validated by {@link JdbcSinkSettings} (letters, digits, underscore). */
    private static String literal(String validatedValue) {
        return "'" + validatedValue + "'";
    }

    public BoundStatement<CloseCommand> close() {
        return close;
    }

    public BoundStatement<CloseCommand> audit() {
        return audit;
    }

    public BoundStatement<RefundRequest> refund() {
        return refund;
    }

    /** Empty when no dead-letter table is configured. */
    public Optional<BoundStatement<DeadLetter>> deadLetter() {
        return Optional.ofNullable(deadLetter);
    }
}
