package io.ordertimeout.sink;

import io.ordertimeout.core.CloseCommand;
import java.sql.Types;
import java.util.function.BiFunction;

/** Named parameters of the close UPDATE and the audit INSERT. */
public enum CloseParameter implements StatementParameter<CloseCommand> {
    ORDER_ID("order_id", Types.VARCHAR, (close, dialect) -> close.orderId),
    DEADLINE("deadline", Types.TIMESTAMP, (close, dialect) -> dialect.timestamp(close.deadline)),
    CLOSED_AT("closed_at", Types.TIMESTAMP, (close, dialect) -> dialect.timestamp(close.decidedAt)),
    LATENESS_MS("lateness_ms", Types.BIGINT, (close, dialect) -> close.latenessMillis());

    private final String parameterName;
    private final int sqlType;
    private final BiFunction<CloseCommand, SqlDialect, Object> value;

    CloseParameter(String parameterName, int sqlType, BiFunction<CloseCommand, SqlDialect, Object> value) {
        this.parameterName = parameterName;
        this.sqlType = sqlType;
        this.value = value;
    }

    @Override
    public String parameterName() {
        return parameterName;
    }

    @Override
    public Object value(CloseCommand record, SqlDialect dialect) {
        return value.apply(record, dialect);
    }

    @Override
    public int sqlType() {
        return sqlType;
    }
}
