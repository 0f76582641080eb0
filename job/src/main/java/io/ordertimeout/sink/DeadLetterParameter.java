package io.ordertimeout.sink;

import io.ordertimeout.event.DeadLetter;
import java.sql.Types;
import java.util.Base64;
import java.util.function.BiFunction;

/**
 * Named parameters of the dead-letter INSERT. Values are cut to the schema's column sizes: a dead
 * letter that does not fit must not fail the sink (it would fail again after every restart).
 */
public enum DeadLetterParameter implements StatementParameter<DeadLetter> {
    SOURCE_POSITION("source_position", Types.VARCHAR, (letter, dialect) -> truncate(letter.sourcePosition, 256)),
    REASON("reason", Types.VARCHAR, (letter, dialect) -> truncate(letter.reason == null ? "" : letter.reason, 1024)),
    PAYLOAD("payload", Types.VARCHAR, (letter, dialect) -> storablePayload(letter)),
    REJECTED_AT("rejected_at", Types.TIMESTAMP, (letter, dialect) -> dialect.timestamp(letter.rejectedAt));

    private final String parameterName;
    private final int sqlType;
    private final BiFunction<DeadLetter, SqlDialect, Object> value;

    DeadLetterParameter(String parameterName, int sqlType, BiFunction<DeadLetter, SqlDialect, Object> value) {
        this.parameterName = parameterName;
        this.sqlType = sqlType;
        this.value = value;
    }

    /** As {@link DeadLetter#payloadForDisplay()}, but base64 also for NUL characters, which PostgreSQL text rejects. */
    private static String storablePayload(DeadLetter letter) {
        String text = letter.payloadForDisplay();
        if (text.indexOf('\u0000') < 0) {
            return text;
        }
        return "base64:" + Base64.getEncoder().encodeToString(letter.payload);
    }

    private static String truncate(String text, int maxLength) {
        return text == null || text.length() <= maxLength ? text : text.substring(0, maxLength);
    }

    @Override
    public String parameterName() {
        return parameterName;
    }

    @Override
    public Object value(DeadLetter record, SqlDialect dialect) {
        return value.apply(record, dialect);
    }

    @Override
    public int sqlType() {
        return sqlType;
    }
}
