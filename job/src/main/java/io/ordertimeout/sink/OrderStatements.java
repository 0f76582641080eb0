package io.ordertimeout.sink;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import java.util.List;
import java.util.Optional;

/**
 * The statements the sinks run (DESIGN.md §5), each the configured override or the default
 * rendered from the configured names for the dialect. Defaults are written with the same named
 * parameters an override uses, so both go through one parser and one binding path. All are
 * built (and validated) when this object is created, at job submission.
 */
public final class OrderStatements {

    private final BoundStatement<CloseCommand> close;
    private final BoundStatement<CloseResult> audit;
    private final BoundStatement<RefundRequest> refund;
    private final BoundStatement<DeadLetter> deadLetter;
    private final String auditTable;
    private final String refundTable;
    private final String orderStatusQuery;
    private final String pendingStatus;
    private final List<String> refundableStatuses;

    public OrderStatements(JdbcSinkSettings settings) {
        SqlDialect dialect = settings.dialect();
        this.close = BoundStatement.bind(settings.closeStatement().orElseGet(() -> defaultClose(settings)),
                CloseParameter.class, dialect, OrderTimeoutOptions.CLOSE_STATEMENT);
        this.audit = BoundStatement.bind(settings.auditStatement().orElseGet(() -> defaultAudit(settings)),
                AuditParameter.class, dialect, OrderTimeoutOptions.AUDIT_STATEMENT);
        this.refund = BoundStatement.bind(settings.refundStatement().orElseGet(() -> defaultRefund(settings)),
                RefundParameter.class, dialect, OrderTimeoutOptions.REFUND_STATEMENT);
        this.deadLetter = settings.deadLetterTable()
                .map(table -> BoundStatement.bind(defaultDeadLetter(table), DeadLetterParameter.class, dialect,
                        OrderTimeoutOptions.DB_DEAD_LETTER_TABLE))
                .orElse(null);
        this.auditTable = settings.auditTable();
        this.refundTable = settings.refundTable();
        this.orderStatusQuery = "SELECT " + settings.statusColumn() + " FROM " + settings.ordersTable()
                + " WHERE " + settings.orderIdColumn() + " = ?";
        this.pendingStatus = settings.pendingStatus();
        this.refundableStatuses = List.copyOf(settings.refundableStatuses());
    }

    /** Closes the order only while it is still pending: idempotent, never touches a paid order. */
    static String defaultClose(JdbcSinkSettings s) {
        return "UPDATE " + s.ordersTable()
                + " SET " + s.statusColumn() + " = " + literal(s.closedStatus())
                + ", " + s.closeReasonColumn() + " = " + literal(s.closeReason())
                + ", " + s.closedAtColumn() + " = :closed_at"
                + " WHERE " + s.orderIdColumn() + " = :order_id"
                + " AND " + s.dialect().statusOfTheRowByKey(s.statusColumn()) + " = " + literal(s.pendingStatus());
    }

    /**
     * One row per close decision with what the close UPDATE did; a replayed decision is ignored by
     * the primary key (the writer then reads the stored outcome back).
     */
    static String defaultAudit(JdbcSinkSettings s) {
        return s.dialect().insertIgnoringDuplicates(s.auditTable(),
                "order_id, deadline, closed_at, lateness_ms, outcome",
                "VALUES (:order_id, :deadline, :closed_at, :lateness_ms, :outcome)");
    }

    /**
     * One row per (order_id, payment_id), and only while the order row is in a status where no
     * payment was accepted (closed by the job, cancelled; DESIGN.md §3): if the payment won the race
     * against the close, the row says paid and nothing is given back.
     */
    static String defaultRefund(JdbcSinkSettings s) {
        SqlDialect dialect = s.dialect();
        String refundableOrder = "SELECT 1 FROM " + s.ordersTable()
                + " WHERE " + s.orderIdColumn() + " = :order_id"
                + " AND " + s.statusColumn() + " IN (" + String.join(", ",
                        s.refundableStatuses().stream().map(OrderStatements::literal).toList()) + ")";
        return dialect.insertIgnoringDuplicates(s.refundTable(),
                "order_id, payment_id, reason, paid_at, requested_at, user_id, amount_cents, currency",
                dialect.selectRowWhere(
                        ":order_id, :payment_id, :reason, :paid_at, :requested_at, :user_id, :amount_cents, :currency",
                        "EXISTS (" + refundableOrder + ")"));
    }

    /** The audit table, whose order_id and outcome a replayed close reads back. */
    public String auditTable() {
        return auditTable;
    }

    /** Whether a refund row exists already (a replay), binding order_id and payment_id. */
    public String existingRefundQuery() {
        return "SELECT 1 FROM " + refundTable + " WHERE order_id = ? AND payment_id = ?";
    }

    /** The order row's status, binding the order id (no row: no result). */
    public String orderStatusQuery() {
        return orderStatusQuery;
    }

    /** The refund guard's statuses (db.refundable-statuses). */
    public List<String> refundableStatuses() {
        return refundableStatuses;
    }

    /** The status of an order awaiting payment (db.pending-status). */
    public String pendingStatus() {
        return pendingStatus;
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

    public BoundStatement<CloseResult> audit() {
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
