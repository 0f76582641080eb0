package io.ordertimeout.sink;

import io.ordertimeout.core.RefundRequest;
import java.sql.Types;
import java.util.function.BiFunction;

/** Named parameters of the refund INSERT. */
public enum RefundParameter implements StatementParameter<RefundRequest> {
    ORDER_ID("order_id", Types.VARCHAR, (refund, dialect) -> refund.orderId),
    /** Never NULL: the key column; '' when the PAID event had no paymentId. */
    PAYMENT_ID("payment_id", Types.VARCHAR, (refund, dialect) -> refund.paymentId == null ? "" : refund.paymentId),
    REASON("reason", Types.VARCHAR, (refund, dialect) -> refund.reason == null ? null : refund.reason.name()),
    PAID_AT("paid_at", Types.TIMESTAMP, (refund, dialect) -> dialect.timestamp(refund.paidAt)),
    REQUESTED_AT("requested_at", Types.TIMESTAMP, (refund, dialect) -> dialect.timestamp(refund.requestedAt)),
    USER_ID("user_id", Types.VARCHAR, (refund, dialect) -> refund.userId),
    AMOUNT_CENTS("amount_cents", Types.BIGINT, (refund, dialect) -> refund.amountCents),
    CURRENCY("currency", Types.VARCHAR, (refund, dialect) -> refund.currency);

    private final String parameterName;
    private final int sqlType;
    private final BiFunction<RefundRequest, SqlDialect, Object> value;

    RefundParameter(String parameterName, int sqlType, BiFunction<RefundRequest, SqlDialect, Object> value) {
        this.parameterName = parameterName;
        this.sqlType = sqlType;
        this.value = value;
    }

    @Override
    public String parameterName() {
        return parameterName;
    }

    @Override
    public Object value(RefundRequest record, SqlDialect dialect) {
        return value.apply(record, dialect);
    }

    @Override
    public int sqlType() {
        return sqlType;
    }
}
