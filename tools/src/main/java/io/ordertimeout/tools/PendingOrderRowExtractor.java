package io.ordertimeout.tools;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;

/**
 * One row of {@link OrdersTable#pendingOrdersSql()} as a {@link PendingOrderRow}: the deadline is
 * the deadline column, or created-at plus the pay timeout. A time column may be a timestamp
 * (PostgreSQL TIMESTAMPTZ is an instant; MySQL/MariaDB DATETIME holds UTC, as sql/mysql/schema.sql
 * says) or a number of epoch millis.
 */
final class PendingOrderRowExtractor implements ResultExtractor<PendingOrderRow> {

    private static final long serialVersionUID = 1L;

    private final ToolSettings settings;
    private transient Boolean numericTime;

    PendingOrderRowExtractor(ToolSettings settings) {
        this.settings = settings;
    }

    @Override
    public PendingOrderRow extract(ResultSet rs) throws SQLException {
        if (numericTime == null) {
            numericTime = isNumeric(rs.getMetaData(), 2);
        }
        long time = numericTime ? rs.getLong(2) : epochMillis(rs, 2);
        PendingOrderRow row = new PendingOrderRow(rs.getString(1),
                settings.deadlineColumn != null ? time : time + settings.payTimeoutMillis);
        int column = 3;
        if (settings.userIdColumn != null) {
            row.userId = rs.getString(column++);
        }
        if (settings.amountCentsColumn != null) {
            long amount = rs.getLong(column++);
            row.amountCents = rs.wasNull() ? null : amount;
        }
        if (settings.currencyColumn != null) {
            String currency = rs.getString(column++);
            row.currency = currency == null ? null : currency.trim();
        }
        return row;
    }

    @Override
    public String identifier() {
        return "pending-orders";
    }

    private static boolean isNumeric(ResultSetMetaData meta, int column) throws SQLException {
        switch (meta.getColumnType(column)) {
            case Types.BIGINT:
            case Types.INTEGER:
            case Types.NUMERIC:
            case Types.DECIMAL:
                return true;
            default:
                return false;
        }
    }

    private long epochMillis(ResultSet rs, int column) throws SQLException {
        if (settings.postgres) {
            return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
        }
        return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
