package io.ordertimeout.event;

import static io.ordertimeout.config.OrderTimeoutOptions.DB_MAX_ORDER_ID_LENGTH;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_MAX_PAYMENT_ID_LENGTH;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_MAX_USER_ID_LENGTH;

import io.ordertimeout.config.InvalidSettingException;
import java.io.Serializable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The column sizes of the configured schema that event fields must fit (DESIGN.md §2). The
 * defaults are those of {@code sql/}; a shop whose tables are wider sets the options. The
 * fixed parts of the contract (currency 3 letters, amount 0..10^15) are not settings.
 */
public final class EventFieldLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Sanity bound of the length options: far above any id, far below a broker message. */
    static final int LARGEST_LIMIT = 4096;

    public final int maxOrderIdLength;
    public final int maxUserIdLength;
    public final int maxPaymentIdLength;

    private EventFieldLimits(int maxOrderIdLength, int maxUserIdLength, int maxPaymentIdLength) {
        this.maxOrderIdLength = maxOrderIdLength;
        this.maxUserIdLength = maxUserIdLength;
        this.maxPaymentIdLength = maxPaymentIdLength;
    }

    /** The limits of the schema in {@code sql/}. */
    public static EventFieldLimits defaults() {
        return new EventFieldLimits(
                DB_MAX_ORDER_ID_LENGTH.defaultValue(),
                DB_MAX_USER_ID_LENGTH.defaultValue(),
                DB_MAX_PAYMENT_ID_LENGTH.defaultValue());
    }

    public static EventFieldLimits from(ReadableConfig config) {
        return new EventFieldLimits(
                length(config, DB_MAX_ORDER_ID_LENGTH),
                length(config, DB_MAX_USER_ID_LENGTH),
                length(config, DB_MAX_PAYMENT_ID_LENGTH));
    }

    private static int length(ReadableConfig config, ConfigOption<Integer> option) {
        int value;
        try {
            value = config.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(option, e.getMessage());
        }
        if (value < 1 || value > LARGEST_LIMIT) {
            throw new InvalidSettingException(option, "must be between 1 and " + LARGEST_LIMIT + ", got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "maxOrderIdLength=" + maxOrderIdLength + ", maxUserIdLength=" + maxUserIdLength
                + ", maxPaymentIdLength=" + maxPaymentIdLength;
    }
}
