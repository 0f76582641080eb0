package io.ordertimeout.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.config.OrderTimeoutOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.junit.jupiter.api.Test;

class JdbcSinkSettingsTest {

    private static final Map<String, String> NO_ENV = Map.of();

    private static Configuration config(String url) {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, url);
        return config;
    }

    @Test
    void missingUrlNamesTheOption() {
        assertThatThrownBy(() -> JdbcSinkSettings.from(new Configuration(), NO_ENV))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.jdbc.url").hasMessageContaining("missing");
    }

    @Test
    void unknownDatabaseNamesTheOption() {
        assertThatThrownBy(() -> JdbcSinkSettings.from(config("jdbc:oracle:thin:@//db:1521/x"), NO_ENV))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.jdbc.url").hasMessageContaining("jdbc:oracle:thin:@");
    }

    @Test
    void dialectAndDriverFollowTheUrl() {
        assertThat(JdbcSinkSettings.from(config("jdbc:postgresql://db/orders"), NO_ENV).connectionOptions().getDriverName())
                .isEqualTo("org.postgresql.Driver");
        JdbcConnectionOptions mariadb = JdbcSinkSettings.from(config("jdbc:mariadb://db/orders"), NO_ENV).connectionOptions();
        assertThat(mariadb.getDriverName()).isEqualTo("org.mariadb.jdbc.Driver");
        assertThat(mariadb.getDbURL()).isEqualTo("jdbc:mariadb://db/orders");
        assertThat(JdbcSinkSettings.from(config("jdbc:mysql://db/orders"), NO_ENV).connectionOptions().getDbURL())
                .isEqualTo("jdbc:mysql://db/orders?permitMysqlScheme");
        assertThat(JdbcSinkSettings.from(config("jdbc:mysql://db/orders?sslMode=verify-full"), NO_ENV).dialect())
                .isEqualTo(SqlDialect.MYSQL);
        assertThat(SqlDialect.MYSQL.driverUrl("jdbc:mysql://db/orders?sslMode=trust"))
                .isEqualTo("jdbc:mysql://db/orders?sslMode=trust&permitMysqlScheme");
    }

    @Test
    void badIdentifiersAndValuesNameTheirOption() {
        Configuration table = config("jdbc:postgresql://db/orders");
        table.set(OrderTimeoutOptions.DB_ORDERS_TABLE, "orders; DROP TABLE orders");
        assertThatThrownBy(() -> JdbcSinkSettings.from(table, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.db.orders-table");

        Configuration column = config("jdbc:postgresql://db/orders");
        column.set(OrderTimeoutOptions.DB_STATUS_COLUMN, "shop.status");
        assertThatThrownBy(() -> JdbcSinkSettings.from(column, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.db.status-column");

        Configuration status = config("jdbc:postgresql://db/orders");
        status.set(OrderTimeoutOptions.DB_REFUNDABLE_STATUSES, "CLOSED,PAID' OR '1'='1");
        assertThatThrownBy(() -> JdbcSinkSettings.from(status, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.db.refundable-statuses");

        Configuration batch = config("jdbc:postgresql://db/orders");
        batch.set(OrderTimeoutOptions.JDBC_BATCH_SIZE, 0);
        assertThatThrownBy(() -> JdbcSinkSettings.from(batch, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.jdbc.batch-size");

        Configuration qualified = config("jdbc:postgresql://db/orders");
        qualified.set(OrderTimeoutOptions.DB_ORDERS_TABLE, "shop.orders");
        assertThat(JdbcSinkSettings.from(qualified, NO_ENV).ordersTable()).isEqualTo("shop.orders");
    }

    @Test
    void passwordFromTheOptionWinsOverTheEnvironment() {
        Configuration config = config("jdbc:postgresql://db/orders");
        assertThat(JdbcSinkSettings.from(config, Map.of(JdbcSinkSettings.PASSWORD_ENV, "from-env"))
                .connectionOptions().getPassword()).contains("from-env");

        config.set(OrderTimeoutOptions.JDBC_PASSWORD, "from-option");
        assertThat(JdbcSinkSettings.from(config, Map.of(JdbcSinkSettings.PASSWORD_ENV, "from-env"))
                .connectionOptions().getPassword()).contains("from-option");

        assertThat(JdbcSinkSettings.from(config("jdbc:postgresql://db/orders"), NO_ENV).connectionOptions().getPassword())
                .isEmpty();
    }

    @Test
    void toStringNeverShowsThePassword() {
        Configuration config = config("jdbc:postgresql://db/orders?password=in-url-secret");
        config.set(OrderTimeoutOptions.JDBC_USER, "order_timeout_job");
        config.set(OrderTimeoutOptions.JDBC_PASSWORD, "s3cr3t-option");

        String text = JdbcSinkSettings.from(config, Map.of(JdbcSinkSettings.PASSWORD_ENV, "s3cr3t-env")).toString();

        assertThat(text).doesNotContain("s3cr3t").doesNotContain("in-url-secret")
                .contains("order_timeout_job").contains("password=(set)");
    }

    @Test
    void batchingAndRetriesReachTheWriter() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.set(OrderTimeoutOptions.JDBC_BATCH_SIZE, 42);
        config.set(OrderTimeoutOptions.JDBC_BATCH_INTERVAL, Duration.ofMillis(750));
        config.set(OrderTimeoutOptions.JDBC_MAX_RETRIES, 7);
        config.set(OrderTimeoutOptions.JDBC_RETRY_BACKOFF, Duration.ofMillis(300));
        config.set(OrderTimeoutOptions.JDBC_RETRY_MAX_BACKOFF, Duration.ofSeconds(2));

        JdbcSinkSettings settings = JdbcSinkSettings.from(config, NO_ENV);

        assertThat(settings.batchSize()).isEqualTo(42);
        assertThat(settings.batchInterval()).isEqualTo(Duration.ofMillis(750));
        RetryPolicy retries = settings.retryPolicy();
        assertThat(retries.maxRetries()).isEqualTo(7);
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(retries::backoffBefore).map(Duration::toMillis))
                .containsExactly(300L, 600L, 1200L, 2000L, 2000L);
    }

    @Test
    void retryBackoffsAreValidated() {
        Configuration negative = config("jdbc:postgresql://db/orders");
        negative.set(OrderTimeoutOptions.JDBC_RETRY_BACKOFF, Duration.ofMillis(-1));
        assertThatThrownBy(() -> JdbcSinkSettings.from(negative, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.jdbc.retry-backoff");

        Configuration maxBelowInitial = config("jdbc:postgresql://db/orders");
        maxBelowInitial.set(OrderTimeoutOptions.JDBC_RETRY_BACKOFF, Duration.ofSeconds(5));
        maxBelowInitial.set(OrderTimeoutOptions.JDBC_RETRY_MAX_BACKOFF, Duration.ofSeconds(1));
        assertThatThrownBy(() -> JdbcSinkSettings.from(maxBelowInitial, NO_ENV))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("order-timeout.jdbc.retry-max-backoff");
    }

    @Test
    void refundableStatusesMustIncludeTheClosedStatus() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.set(OrderTimeoutOptions.DB_CLOSED_STATUS, "EXPIRED");
        assertThatThrownBy(() -> JdbcSinkSettings.from(config, NO_ENV))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.db.refundable-statuses").hasMessageContaining("EXPIRED");

        config.set(OrderTimeoutOptions.DB_REFUNDABLE_STATUSES, " EXPIRED , VOIDED,EXPIRED");
        assertThat(JdbcSinkSettings.from(config, NO_ENV).refundableStatuses()).containsExactly("EXPIRED", "VOIDED");
    }

    @Test
    void theRemovedPaidStatusIsRefusedNotIgnored() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.setString("order-timeout.db.paid-status", "SETTLED");

        assertThatThrownBy(() -> JdbcSinkSettings.from(config, NO_ENV))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.db.paid-status was removed")
                .hasMessageContaining("order-timeout.db.refundable-statuses");
    }
}
