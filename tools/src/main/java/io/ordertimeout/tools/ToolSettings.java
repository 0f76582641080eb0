package io.ordertimeout.tools;

import static io.ordertimeout.config.OrderTimeoutOptions.MAX_PARALLELISM;
import static io.ordertimeout.config.OrderTimeoutOptions.PAY_TIMEOUT;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_AMOUNT_CENTS_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_CREATED_AT_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_CURRENCY_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_DEADLINE_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_FETCH_SIZE;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_RECONCILE_GRACE;
import static io.ordertimeout.config.OrderTimeoutOptions.TOOLS_USER_ID_COLUMN;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.sink.JdbcSinkSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * What the tools need to know about the orders table and the job's state, validated up front so a
 * mistake stops a command with the option's name. Connection, table, id, status and pending-status
 * names are the job's own ({@link JdbcSinkSettings}), so the tools read exactly the rows the job
 * would close; the creation/deadline and detail columns are the tools' own options.
 */
final class ToolSettings implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String NONE = "none";

    final String url;
    final String driverUrl;
    final String driverClassName;
    final boolean postgres;
    final String user;
    final String password;
    final String ordersTable;
    final String orderIdColumn;
    final String statusColumn;
    final String pendingStatus;
    final String createdAtColumn;
    /** Null: deadline = created-at + pay timeout. */
    final String deadlineColumn;
    final String userIdColumn;
    final String amountCentsColumn;
    final String currencyColumn;
    final int fetchSize;
    final long payTimeoutMillis;
    final int maxParallelism;
    final Duration reconcileGrace;

    private ToolSettings(ReadableConfig config, Map<String, String> environment) {
        JdbcSinkSettings jdbc = JdbcSinkSettings.from(config, environment);
        this.url = jdbc.url();
        this.driverUrl = jdbc.dialect().driverUrl(jdbc.url());
        this.driverClassName = jdbc.dialect().driverClassName();
        this.postgres = jdbc.dialect() == io.ordertimeout.sink.SqlDialect.POSTGRES;
        this.user = jdbc.user().orElse(null);
        this.password = config.getOptional(io.ordertimeout.config.OrderTimeoutOptions.JDBC_PASSWORD)
                .or(() -> Optional.ofNullable(environment.get(JdbcSinkSettings.PASSWORD_ENV)))
                .filter(p -> !p.isEmpty())
                .orElse(null);
        this.ordersTable = jdbc.ordersTable();
        this.orderIdColumn = jdbc.orderIdColumn();
        this.statusColumn = jdbc.statusColumn();
        this.pendingStatus = jdbc.pendingStatus();
        this.createdAtColumn = column(config, TOOLS_CREATED_AT_COLUMN, false);
        this.deadlineColumn = config.getOptional(TOOLS_DEADLINE_COLUMN).isPresent()
                ? column(config, TOOLS_DEADLINE_COLUMN, false)
                : null;
        this.userIdColumn = column(config, TOOLS_USER_ID_COLUMN, true);
        this.amountCentsColumn = column(config, TOOLS_AMOUNT_CENTS_COLUMN, true);
        this.currencyColumn = column(config, TOOLS_CURRENCY_COLUMN, true);
        this.fetchSize = config.get(TOOLS_FETCH_SIZE);
        if (fetchSize < 1) {
            throw new InvalidSettingException(TOOLS_FETCH_SIZE, "must be at least 1, was " + fetchSize);
        }
        Duration payTimeout = config.get(PAY_TIMEOUT);
        if (payTimeout.isNegative() || payTimeout.isZero()) {
            throw new InvalidSettingException(PAY_TIMEOUT, "must be positive, was " + payTimeout);
        }
        this.payTimeoutMillis = payTimeout.toMillis();
        this.maxParallelism = config.get(MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new InvalidSettingException(MAX_PARALLELISM, "must be 1..32768, was " + maxParallelism);
        }
        this.reconcileGrace = config.get(TOOLS_RECONCILE_GRACE);
        if (reconcileGrace.isNegative()) {
            throw new InvalidSettingException(TOOLS_RECONCILE_GRACE, "must not be negative, was " + reconcileGrace);
        }
    }

    static ToolSettings from(ReadableConfig config, Map<String, String> environment) {
        return new ToolSettings(config, environment);
    }

    /** Settings that need no database (inspect): only the state's shape. */
    static int maxParallelism(ReadableConfig config) {
        int value = config.get(MAX_PARALLELISM);
        if (value < 1 || value > 32768) {
            throw new InvalidSettingException(MAX_PARALLELISM, "must be 1..32768, was " + value);
        }
        return value;
    }

    private static String column(ReadableConfig config, ConfigOption<String> option, boolean optional) {
        String name = config.get(option);
        if (optional && (name == null || name.isBlank() || NONE.equalsIgnoreCase(name.trim()))) {
            return null;
        }
        if (name == null || !COLUMN_NAME.matcher(name).matches()) {
            throw new InvalidSettingException(option, "'" + name + "' is not a plain SQL identifier (letters, digits, _)"
                    + (optional ? " or 'none'" : ""));
        }
        return name;
    }

    @Override
    public String toString() {
        return "ToolSettings{url=" + url + ", user=" + user + ", table=" + ordersTable + ", pending="
                + statusColumn + "='" + pendingStatus + "', deadline="
                + (deadlineColumn != null ? deadlineColumn : createdAtColumn + " + " + Duration.ofMillis(payTimeoutMillis))
                + "}";
    }
}
