package io.ordertimeout.sink;

import java.sql.Types;
import java.util.function.BiFunction;

/**
 * Named parameters of the audit INSERT: those of the close, plus {@code :outcome}, what the close
 * UPDATE of the same transaction did ({@link CloseOutcome}).
 */
public enum AuditParameter implements StatementParameter<CloseResult> {
    ORDER_ID("order_id", Types.VARCHAR, (result, dialect) -> result.close.orderId),
    DEADLINE("deadline", Types.TIMESTAMP, (result, dialect) -> dialect.timestamp(result.close.deadline)),
    CLOSED_AT("closed_at", Types.TIMESTAMP, (result, dialect) -> dialect.timestamp(result.close.decidedAt)),
    LATENESS_MS("lateness_ms", Types.BIGINT, (result, dialect) -> result.close.latenessMillis()),
    OUTCOME("outcome", Types.VARCHAR, (result, dialect) -> result.outcome.name());

    private final String parameterName;
    private final int sqlType;
    private final BiFunction<CloseResult, SqlDialect, Object> value;

    AuditParameter(String parameterName, int sqlType, BiFunction<CloseResult, SqlDialect, Object> value) {
        this.parameterName = parameterName;
        this.sqlType = sqlType;
        this.value = value;
    }

    @Override
    public String parameterName() {
        return parameterName;
    }

    @Override
    public Object value(CloseResult record, SqlDialect dialect) {
        return value.apply(record, dialect);
    }

    @Override
    public int sqlType() {
        return sqlType;
    }
}
