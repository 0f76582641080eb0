package io.ordertimeout.config;

import io.ordertimeout.event.OrderEventParser;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The validated time and state settings of the job. Reading fails fast with one message naming
 * the option, so a wrong setting stops the job at start instead of misbehaving later.
 */
public final class JobSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public final Duration payTimeout;
    public final Duration outOfOrderness;
    public final Duration idleTimeout;
    public final Duration stateRetention;
    public final int maxParallelism;

    private JobSettings(ReadableConfig config) {
        payTimeout = positive(config, OrderTimeoutOptions.PAY_TIMEOUT);
        if (payTimeout.getSeconds() > OrderEventParser.MAX_PAY_TIMEOUT_SECONDS) {
            throw new InvalidSettingException(OrderTimeoutOptions.PAY_TIMEOUT,
                    "at most " + Duration.ofSeconds(OrderEventParser.MAX_PAY_TIMEOUT_SECONDS) + ", got " + payTimeout);
        }
        // Flink's duration parser already rejects negative values.
        outOfOrderness = read(config, OrderTimeoutOptions.OUT_OF_ORDERNESS);
        idleTimeout = positive(config, OrderTimeoutOptions.IDLE_TIMEOUT);
        stateRetention = read(config, OrderTimeoutOptions.STATE_RETENTION);
        maxParallelism = read(config, OrderTimeoutOptions.MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new InvalidSettingException(OrderTimeoutOptions.MAX_PARALLELISM,
                    "must be between 1 and 32768, got " + maxParallelism);
        }
    }

    public static JobSettings from(ReadableConfig config) {
        return new JobSettings(config);
    }

    private static Duration positive(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = read(config, option);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(option, "must be positive, got " + value);
        }
        return value;
    }

    /** Flink's own parse errors do not always name the key; wrap them so they do. */
    static <T> T read(ReadableConfig config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSettingException) {
                throw e;
            }
            throw new InvalidSettingException(option, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "payTimeout=" + payTimeout + ", outOfOrderness=" + outOfOrderness + ", idleTimeout=" + idleTimeout
                + ", stateRetention=" + stateRetention + ", maxParallelism=" + maxParallelism;
    }
}
