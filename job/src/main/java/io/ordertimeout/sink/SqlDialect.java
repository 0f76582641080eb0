package io.ordertimeout.sink;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.config.OrderTimeoutOptions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The few SQL differences between the databases the job writes to, chosen from the JDBC URL.
 *
 * <p>Why our own and not flink-connector-jdbc's {@code JdbcDialect}: those dialects serve the
 * Table API (type mapping, upsert generation from a table schema), the MySQL one is not published
 * for Flink 2.x, and the DataStream {@code JdbcSink} does not use dialects at all. The job's
 * statements only differ in how an insert ignores duplicates, how a row without a table is
 * selected, and how a timestamp is bound — that is all this enum renders.
 */
public enum SqlDialect {

    /** PostgreSQL; timestamps are {@code TIMESTAMPTZ}, bound as UTC {@link OffsetDateTime}. */
    POSTGRES("org.postgresql.Driver"),

    /**
     * MySQL 8 and MariaDB 10.6+ through MariaDB Connector/J (LGPL, shipped in the job jar; MySQL
     * Connector/J is GPL and not shipped). Timestamps are {@code DATETIME(3)} holding UTC, bound
     * as a UTC {@link LocalDateTime} so no session time zone converts them.
     *
     * <p>{@code jdbc:mariadb://} is the recommended URL. {@code jdbc:mysql://} is accepted too:
     * MariaDB Connector/J only takes that scheme with its {@code permitMysqlScheme} flag, which
     * {@link #driverUrl} adds. Against MySQL 8 users with {@code caching_sha2_password} (the
     * default) need TLS or {@code allowPublicKeyRetrieval=true} in the URL.
     */
    MYSQL("org.mariadb.jdbc.Driver");

    private static final String MYSQL_SCHEME = "jdbc:mysql:";
    private static final String PERMIT_MYSQL_SCHEME = "permitMysqlScheme";

    private final String driverClassName;

    SqlDialect(String driverClassName) {
        this.driverClassName = driverClassName;
    }

    /** The dialect of a {@code jdbc:postgresql:}, {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL. */
    public static SqlDialect fromJdbcUrl(String url) {
        String lower = url == null ? "" : url.trim().toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (lower.startsWith(MYSQL_SCHEME) || lower.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        String scheme = lower.contains("//") ? lower.substring(0, lower.indexOf("//")) : lower;
        throw new InvalidSettingException(OrderTimeoutOptions.JDBC_URL, "unsupported database '" + scheme
                + "'; use jdbc:postgresql://..., jdbc:mariadb://... or jdbc:mysql://...");
    }

    public String driverClassName() {
        return driverClassName;
    }

    /** The URL handed to the driver: the configured one, plus what the shipped driver needs. */
    public String driverUrl(String url) {
        if (this != MYSQL || !url.regionMatches(true, 0, MYSQL_SCHEME, 0, MYSQL_SCHEME.length())
                || url.contains(PERMIT_MYSQL_SCHEME)) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + PERMIT_MYSQL_SCHEME;
    }

    /**
     * Driver properties every sink connection gets. MariaDB Connector/J sends batches with the
     * server's bulk protocol by default, which rejects {@code INSERT ... SELECT} (the refund
     * guard) with "This command is not supported in the prepared statement protocol yet"; without
     * it the driver still pipelines the batch's statements in one round trip.
     */
    public Map<String, String> connectionProperties() {
        return this == MYSQL ? Map.of("useBulkStmts", "false") : Map.of();
    }

    /**
     * {@code INSERT ... rows} that silently skips rows whose key already exists: {@code ON CONFLICT
     * DO NOTHING} or {@code INSERT IGNORE}. INSERT IGNORE needs only the INSERT privilege, unlike
     * {@code ON DUPLICATE KEY UPDATE}; its downside, turning data errors (e.g. a too long value)
     * into warnings, does not apply to values that fit the schema.
     */
    public String insertIgnoringDuplicates(String table, String columns, String rows) {
        return switch (this) {
            case POSTGRES -> "INSERT INTO " + table + " (" + columns + ") " + rows + " ON CONFLICT DO NOTHING";
            case MYSQL -> "INSERT IGNORE INTO " + table + " (" + columns + ") " + rows;
        };
    }

    /**
     * The status column as the close's row condition compares it: for PostgreSQL as an expression
     * no index can serve ({@code status || ''}, the same value), so that the planner finds the row
     * by the primary key alone. With statistics taken while no order was pending (a quiet night
     * before a sale) it estimated the pending status at one row and chose the (status, created_at)
     * index that shops keep for their scanner, reading every pending order's entry for each close
     * (bench: 3,800 buffer pages per close with 9,600 pending). MySQL and MariaDB look a row up by
     * its full primary key as a constant and need nothing.
     */
    public String statusOfTheRowByKey(String statusColumn) {
        return switch (this) {
            case POSTGRES -> "(" + statusColumn + " || '')";
            case MYSQL -> statusColumn;
        };
    }

    /** One row of values, kept only if the condition holds (MySQL needs {@code FROM DUAL} for a WHERE). */
    public String selectRowWhere(String values, String condition) {
        return switch (this) {
            case POSTGRES -> "SELECT " + values + " WHERE " + condition;
            case MYSQL -> "SELECT " + values + " FROM DUAL WHERE " + condition;
        };
    }

    /** The JDBC bind value for an instant, for the dialect's timestamp column type. */
    public Object timestamp(long epochMillis) {
        Instant instant = Instant.ofEpochMilli(epochMillis);
        return switch (this) {
            case POSTGRES -> OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
            case MYSQL -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        };
    }
}
