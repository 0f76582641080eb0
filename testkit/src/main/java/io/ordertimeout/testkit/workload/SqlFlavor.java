package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The two SQL dialects of the contract. They differ here only in how a timestamp column is
 * typed: TIMESTAMPTZ(3) in PostgreSQL, DATETIME(3) holding UTC in MySQL/MariaDB. Binding
 * java.time values (not java.sql.Timestamp) keeps the JVM's default time zone out of it.
 */
public enum SqlFlavor {
    POSTGRES,
    MYSQL;

    public static SqlFlavor of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRES;
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("Unsupported database: " + product);
    }

    public static SqlFlavor fromJdbcUrl(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("Unsupported JDBC URL scheme: " + jdbcUrl.split("//", 2)[0]);
    }

    public void setTimestamp(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, this == POSTGRES ? java.sql.Types.TIMESTAMP_WITH_TIMEZONE : java.sql.Types.TIMESTAMP);
        } else if (this == POSTGRES) {
            statement.setObject(index, value.atOffset(ZoneOffset.UTC));
        } else {
            statement.setObject(index, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }

    public Instant getTimestamp(ResultSet resultSet, String column) throws SQLException {
        if (this == POSTGRES) {
            OffsetDateTime value = resultSet.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }
        LocalDateTime value = resultSet.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** SQL expression naming the schema (PostgreSQL) or database (MySQL) the connection works in. */
    String currentSchemaExpression() {
        return this == POSTGRES ? "current_schema()" : "DATABASE()";
    }
}
