package io.ordertimeout.sink;

import static io.ordertimeout.config.OrderTimeoutOptions.AUDIT_STATEMENT;
import static io.ordertimeout.config.OrderTimeoutOptions.CLOSE_STATEMENT;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_AUDIT_TABLE;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_CLOSED_AT_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_CLOSED_STATUS;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_CLOSE_REASON;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_CLOSE_REASON_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_DEAD_LETTER_TABLE;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_ORDERS_TABLE;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_ORDER_ID_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_PENDING_STATUS;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_REFUNDABLE_STATUSES;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_REFUND_TABLE;
import static io.ordertimeout.config.OrderTimeoutOptions.DB_STATUS_COLUMN;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_BATCH_INTERVAL;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_BATCH_SIZE;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_MAX_RETRIES;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_PASSWORD;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_RETRY_BACKOFF;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_RETRY_MAX_BACKOFF;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_URL;
import static io.ordertimeout.config.OrderTimeoutOptions.JDBC_USER;
import static io.ordertimeout.config.OrderTimeoutOptions.REFUND_STATEMENT;

import io.ordertimeout.config.InvalidSettingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;

/**
 * The JDBC sinks' settings, read from the {@code order-timeout.jdbc.*} and {@code
 * order-timeout.db.*} options and validated up front, so a mistake fails the job at submission
 * with the option's name rather than at the first close.
 *
 * <p><b>Password.</b> {@code order-timeout.jdbc.password} if set, otherwise the environment
 * variable {@value #PASSWORD_ENV} of the process that builds the job (the client, or the
 * JobManager in application mode). The explicit option wins because it is what the operator
 * typed for this run; the environment variable is the recommended place, since a Flink config
 * file or {@code -D} argument can end up in shell history and process listings. The password
 * is never part of {@link #toString()}; note that the connector keeps it inside the serialized
 * job graph, like any Flink JDBC sink. Do not put it in the URL: driver errors quote the URL.
 *
 * <p><b>Names.</b> Table and column names are configurable and are written into SQL, so they
 * must be plain identifiers (letters, digits, underscore; tables optionally schema-qualified).
 * Status and close-reason values must be letters, digits and underscores and are written as
 * string literals; record values are always bind parameters.
 */
public final class JdbcSinkSettings {

    public static final String PASSWORD_ENV = "ORDER_TIMEOUT_JDBC_PASSWORD";

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
    private static final Pattern COLUMN_NAME = Pattern.compile(IDENTIFIER);
    private static final Pattern TABLE_NAME = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")?");
    private static final Pattern STATUS_VALUE = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final String REMOVED_PAID_STATUS_KEY = "order-timeout.db.paid-status";

    private final String url;
    private final SqlDialect dialect;
    private final String user;
    private final String password;
    private final int batchSize;
    private final Duration batchInterval;
    private final RetryPolicy retryPolicy;

    private final String ordersTable;
    private final String orderIdColumn;
    private final String statusColumn;
    private final String closeReasonColumn;
    private final String closedAtColumn;
    private final String pendingStatus;
    private final String closedStatus;
    private final List<String> refundableStatuses;
    private final String closeReason;
    private final String auditTable;
    private final String refundTable;
    private final String deadLetterTable;

    private final String closeStatement;
    private final String auditStatement;
    private final String refundStatement;

    private JdbcSinkSettings(ReadableConfig config, Map<String, String> environment) {
        this.url = config.getOptional(JDBC_URL).map(String::trim).filter(u -> !u.isEmpty())
                .orElseThrow(() -> InvalidSettingException.missing(JDBC_URL));
        this.dialect = SqlDialect.fromJdbcUrl(url);
        this.user = config.getOptional(JDBC_USER).filter(u -> !u.isBlank()).orElse(null);
        this.password = config.getOptional(JDBC_PASSWORD)
                .or(() -> Optional.ofNullable(environment.get(PASSWORD_ENV)))
                .filter(p -> !p.isEmpty())
                .orElse(null);
        this.batchSize = atLeast(JDBC_BATCH_SIZE, config.get(JDBC_BATCH_SIZE), 1);
        this.batchInterval = config.get(JDBC_BATCH_INTERVAL);
        if (batchInterval.isNegative()) {
            throw new InvalidSettingException(JDBC_BATCH_INTERVAL, "must not be negative, was " + batchInterval);
        }
        int maxRetries = atLeast(JDBC_MAX_RETRIES, config.get(JDBC_MAX_RETRIES), 0);
        Duration backoff = config.get(JDBC_RETRY_BACKOFF);
        Duration maxBackoff = config.get(JDBC_RETRY_MAX_BACKOFF);
        if (backoff.isNegative()) {
            throw new InvalidSettingException(JDBC_RETRY_BACKOFF, "must not be negative, was " + backoff);
        }
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new InvalidSettingException(JDBC_RETRY_MAX_BACKOFF, "must be at least "
                    + JDBC_RETRY_BACKOFF.key() + " (" + backoff + "), was " + maxBackoff);
        }
        this.retryPolicy = new RetryPolicy(maxRetries, backoff, maxBackoff);

        this.ordersTable = name(config, DB_ORDERS_TABLE, TABLE_NAME);
        this.orderIdColumn = name(config, DB_ORDER_ID_COLUMN, COLUMN_NAME);
        this.statusColumn = name(config, DB_STATUS_COLUMN, COLUMN_NAME);
        this.closeReasonColumn = name(config, DB_CLOSE_REASON_COLUMN, COLUMN_NAME);
        this.closedAtColumn = name(config, DB_CLOSED_AT_COLUMN, COLUMN_NAME);
        this.pendingStatus = value(config, DB_PENDING_STATUS);
        this.closedStatus = value(config, DB_CLOSED_STATUS);
        this.refundableStatuses = refundableStatuses(config, closedStatus);
        this.closeReason = value(config, DB_CLOSE_REASON);
        this.auditTable = name(config, DB_AUDIT_TABLE, TABLE_NAME);
        this.refundTable = name(config, DB_REFUND_TABLE, TABLE_NAME);
        this.deadLetterTable = config.getOptional(DB_DEAD_LETTER_TABLE).isPresent()
                ? name(config, DB_DEAD_LETTER_TABLE, TABLE_NAME)
                : null;

        this.closeStatement = statementOverride(config, CLOSE_STATEMENT);
        this.auditStatement = statementOverride(config, AUDIT_STATEMENT);
        this.refundStatement = statementOverride(config, REFUND_STATEMENT);
    }

    /** Reads the settings; the password falls back to {@value #PASSWORD_ENV} of this process. */
    public static JdbcSinkSettings from(ReadableConfig config) {
        return from(config, System.getenv());
    }

    /** As {@link #from(ReadableConfig)} with an explicit environment (tests, embedding). */
    public static JdbcSinkSettings from(ReadableConfig config, Map<String, String> environment) {
        return new JdbcSinkSettings(config, environment);
    }

    private static int atLeast(ConfigOption<Integer> option, int value, int minimum) {
        if (value < minimum) {
            throw new InvalidSettingException(option, "must be at least " + minimum + ", was " + value);
        }
        return value;
    }

    private static String name(ReadableConfig config, ConfigOption<String> option, Pattern pattern) {
        String name = config.get(option);
        if (name == null || !pattern.matcher(name).matches()) {
            throw new InvalidSettingException(option, "'" + name + "' is not a plain SQL identifier "
                    + (pattern == TABLE_NAME ? "(letters, digits, _; optionally schema.table)" : "(letters, digits, _)"));
        }
        return name;
    }

    private static String value(ReadableConfig config, ConfigOption<String> option) {
        String value = config.get(option);
        if (value == null || !STATUS_VALUE.matcher(value).matches()) {
            throw new InvalidSettingException(option, "'" + value + "' must be 1..32 letters, digits or _");
        }
        return value;
    }

    /**
     * The refund guard's statuses. The job's own closed status must be one of them: a payment that
     * reaches an order the job closed is always given back. The removed {@code db.paid-status}
     * (a guard that let every status but "paid" through) is refused rather than ignored, so an
     * upgrade cannot silently change which refunds are written.
     */
    private static List<String> refundableStatuses(ReadableConfig config, String closedStatus) {
        if (config.toMap().containsKey(REMOVED_PAID_STATUS_KEY)) {
            throw new InvalidSettingException(DB_REFUNDABLE_STATUSES, REMOVED_PAID_STATUS_KEY
                    + " was removed: the refund guard now lists the statuses in which no payment was accepted; "
                    + "remove " + REMOVED_PAID_STATUS_KEY + " and set " + DB_REFUNDABLE_STATUSES.key()
                    + " if the default does not fit");
        }
        List<String> statuses = new ArrayList<>();
        for (String status : config.get(DB_REFUNDABLE_STATUSES).split(",")) {
            String trimmed = status.trim();
            if (!STATUS_VALUE.matcher(trimmed).matches()) {
                throw new InvalidSettingException(DB_REFUNDABLE_STATUSES, "'" + trimmed
                        + "' must be 1..32 letters, digits or _ (statuses are separated by commas)");
            }
            if (!statuses.contains(trimmed)) {
                statuses.add(trimmed);
            }
        }
        if (!statuses.contains(closedStatus)) {
            throw new InvalidSettingException(DB_REFUNDABLE_STATUSES, "must include the closed status '" + closedStatus
                    + "' (" + DB_CLOSED_STATUS.key() + "): a payment after the job's close is always given back");
        }
        return List.copyOf(statuses);
    }

    private static String statementOverride(ReadableConfig config, ConfigOption<String> option) {
        Optional<String> statement = config.getOptional(option);
        if (statement.isPresent() && statement.get().isBlank()) {
            throw new InvalidSettingException(option, "is empty; remove it to use the default statement");
        }
        return statement.map(String::trim).orElse(null);
    }

    /** Connection settings (the connector's, for its connection provider), with the URL and driver the dialect needs. */
    public JdbcConnectionOptions connectionOptions() {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder builder = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(dialect.driverUrl(url))
                .withDriverName(dialect.driverClassName());
        if (user != null) {
            builder.withUsername(user);
        }
        if (password != null) {
            builder.withPassword(password);
        }
        dialect.connectionProperties().forEach(builder::withProperty);
        return builder.build();
    }

    public String url() {
        return url;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public boolean hasPassword() {
        return password != null;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration batchInterval() {
        return batchInterval;
    }

    public int maxRetries() {
        return retryPolicy.maxRetries();
    }

    /** Retries of a batch that failed with a transient or unclassified error, with exponential backoff. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public String ordersTable() {
        return ordersTable;
    }

    public String orderIdColumn() {
        return orderIdColumn;
    }

    public String statusColumn() {
        return statusColumn;
    }

    public String closeReasonColumn() {
        return closeReasonColumn;
    }

    public String closedAtColumn() {
        return closedAtColumn;
    }

    public String pendingStatus() {
        return pendingStatus;
    }

    public String closedStatus() {
        return closedStatus;
    }

    /** Statuses of the order row in which a refund row may be written (the refund guard). */
    public List<String> refundableStatuses() {
        return refundableStatuses;
    }

    public String closeReason() {
        return closeReason;
    }

    public String auditTable() {
        return auditTable;
    }

    public String refundTable() {
        return refundTable;
    }

    public Optional<String> deadLetterTable() {
        return Optional.ofNullable(deadLetterTable);
    }

    public Optional<String> closeStatement() {
        return Optional.ofNullable(closeStatement);
    }

    public Optional<String> auditStatement() {
        return Optional.ofNullable(auditStatement);
    }

    public Optional<String> refundStatement() {
        return Optional.ofNullable(refundStatement);
    }

    private List<String> overriddenStatements() {
        List<String> overridden = new ArrayList<>();
        if (closeStatement != null) {
            overridden.add("close");
        }
        if (auditStatement != null) {
            overridden.add("audit");
        }
        if (refundStatement != null) {
            overridden.add("refund");
        }
        return overridden;
    }

    /** Without the password, and without the URL's query string (which might carry credentials). */
    @Override
    public String toString() {
        int query = url.indexOf('?');
        return "JdbcSinkSettings{url=" + (query < 0 ? url : url.substring(0, query) + "?...")
                + ", dialect=" + dialect
                + ", user=" + user
                + ", password=" + (password == null ? "(none)" : "(set)")
                + ", batchSize=" + batchSize
                + ", batchInterval=" + batchInterval
                + ", retries=" + retryPolicy
                + ", orders=" + ordersTable + "(" + orderIdColumn + ", " + statusColumn + ", " + closeReasonColumn
                + ", " + closedAtColumn + ")"
                + ", statuses=" + pendingStatus + "->" + closedStatus + "/" + closeReason + ", refundable=" + refundableStatuses
                + ", audit=" + auditTable
                + ", refunds=" + refundTable
                + ", deadLetters=" + (deadLetterTable == null ? "(off)" : deadLetterTable)
                + ", overriddenStatements=" + overriddenStatements()
                + "}";
    }
}
