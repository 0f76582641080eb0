package io.ordertimeout.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.config.OrderTimeoutOptions;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class OrderStatementsTest {

    private static OrderStatements statements(Configuration config) {
        return new OrderStatements(JdbcSinkSettings.from(config, Map.of()));
    }

    private static Configuration config(String url) {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.JDBC_URL, url);
        return config;
    }

    @Test
    void defaultCloseIsTheConditionalUpdateOfTheDesign() {
        BoundStatement<?> close = statements(config("jdbc:postgresql://db/orders")).close();

        // (status || ''): PostgreSQL must find the row by its key, never through a status index
        // (TransactionalJdbcWriterPostgresTest checks the plan).
        assertThat(close.query()).isEqualTo("UPDATE orders SET status = 'CLOSED', close_reason = 'PAYMENT_TIMEOUT', "
                + "closed_at = ? WHERE order_id = ? AND (status || '') = 'PENDING_PAYMENT'");
        assertThat(close.parameterNames()).containsExactly("closed_at", "order_id");
    }

    @Test
    void mysqlCloseComparesTheStatusColumnItself() {
        BoundStatement<?> close = statements(config("jdbc:mariadb://db/orders")).close();

        assertThat(close.query()).isEqualTo("UPDATE orders SET status = 'CLOSED', close_reason = 'PAYMENT_TIMEOUT', "
                + "closed_at = ? WHERE order_id = ? AND status = 'PENDING_PAYMENT'");
    }

    @Test
    void postgresInsertsIgnoreConflicts() {
        OrderStatements statements = statements(config("jdbc:postgresql://db/orders"));

        assertThat(statements.audit().query()).isEqualTo("INSERT INTO order_timeout_log "
                + "(order_id, deadline, closed_at, lateness_ms, outcome) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        assertThat(statements.audit().parameterNames())
                .containsExactly("order_id", "deadline", "closed_at", "lateness_ms", "outcome");
        assertThat(statements.refund().query()).isEqualTo("INSERT INTO refund_request (order_id, payment_id, reason, "
                + "paid_at, requested_at, user_id, amount_cents, currency) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS "
                + "(SELECT 1 FROM orders WHERE order_id = ? AND status IN ('CLOSED', 'CANCELLED')) ON CONFLICT DO NOTHING");
        assertThat(statements.refund().parameterNames()).containsExactly("order_id", "payment_id", "reason", "paid_at",
                "requested_at", "user_id", "amount_cents", "currency", "order_id");
        assertThat(statements.deadLetter()).isEmpty();
    }

    @Test
    void mysqlInsertsIgnoreDuplicates() {
        Configuration config = config("jdbc:mariadb://db/orders");
        config.set(OrderTimeoutOptions.DB_DEAD_LETTER_TABLE, "order_event_dead_letter");
        OrderStatements statements = statements(config);

        assertThat(statements.audit().query()).isEqualTo("INSERT IGNORE INTO order_timeout_log "
                + "(order_id, deadline, closed_at, lateness_ms, outcome) VALUES (?, ?, ?, ?, ?)");
        assertThat(statements.refund().query()).isEqualTo("INSERT IGNORE INTO refund_request (order_id, payment_id, reason, "
                + "paid_at, requested_at, user_id, amount_cents, currency) SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM DUAL WHERE "
                + "EXISTS (SELECT 1 FROM orders WHERE order_id = ? AND status IN ('CLOSED', 'CANCELLED'))");
        assertThat(statements.deadLetter()).hasValueSatisfying(deadLetter -> assertThat(deadLetter.query()).isEqualTo(
                "INSERT INTO order_event_dead_letter (source_position, reason, payload, rejected_at) VALUES (?, ?, ?, ?)"));
    }

    @Test
    void namesAndStatusesAreConfigurable() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.set(OrderTimeoutOptions.DB_ORDERS_TABLE, "shop.purchase");
        config.set(OrderTimeoutOptions.DB_ORDER_ID_COLUMN, "id");
        config.set(OrderTimeoutOptions.DB_STATUS_COLUMN, "state");
        config.set(OrderTimeoutOptions.DB_CLOSE_REASON_COLUMN, "end_reason");
        config.set(OrderTimeoutOptions.DB_CLOSED_AT_COLUMN, "ended_at");
        config.set(OrderTimeoutOptions.DB_PENDING_STATUS, "OPEN");
        config.set(OrderTimeoutOptions.DB_CLOSED_STATUS, "EXPIRED");
        config.set(OrderTimeoutOptions.DB_CLOSE_REASON, "NOT_PAID");
        config.set(OrderTimeoutOptions.DB_REFUNDABLE_STATUSES, "EXPIRED,VOIDED");
        config.set(OrderTimeoutOptions.DB_REFUND_TABLE, "shop.payback");

        OrderStatements statements = statements(config);

        assertThat(statements.close().query()).isEqualTo("UPDATE shop.purchase SET state = 'EXPIRED', "
                + "end_reason = 'NOT_PAID', ended_at = ? WHERE id = ? AND (state || '') = 'OPEN'");
        assertThat(statements.refund().query()).startsWith("INSERT INTO shop.payback ")
                .contains("EXISTS (SELECT 1 FROM shop.purchase WHERE id = ? AND state IN ('EXPIRED', 'VOIDED'))");
        assertThat(statements.orderStatusQuery()).isEqualTo("SELECT state FROM shop.purchase WHERE id = ?");
    }

    @Test
    void overridesBindByName() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.set(OrderTimeoutOptions.CLOSE_STATEMENT,
                "UPDATE orders SET status = 'CLOSED', closed_at = :deadline::timestamptz WHERE order_id = :order_id");
        config.set(OrderTimeoutOptions.AUDIT_STATEMENT,
                "INSERT INTO audit (late, id, result) VALUES (:lateness_ms, :order_id, :outcome)");

        OrderStatements statements = statements(config);

        assertThat(statements.close().query())
                .isEqualTo("UPDATE orders SET status = 'CLOSED', closed_at = ?::timestamptz WHERE order_id = ?");
        assertThat(statements.close().parameterNames()).containsExactly("deadline", "order_id");
        assertThat(statements.audit().parameterNames()).containsExactly("lateness_ms", "order_id", "outcome");
    }

    @Test
    void unknownParameterNamesTheOptionAndTheKnownParameters() {
        Configuration config = config("jdbc:postgresql://db/orders");
        config.set(OrderTimeoutOptions.REFUND_STATEMENT, "INSERT INTO r (id, who) VALUES (:order_id, :customer)");

        assertThatThrownBy(() -> statements(config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.jdbc.refund-statement")
                .hasMessageContaining(":customer")
                .hasMessageContaining(":payment_id");
    }

    @Test
    void positionalParameterInAnOverrideNamesTheOption() {
        Configuration config = config("jdbc:mariadb://db/orders");
        config.set(OrderTimeoutOptions.CLOSE_STATEMENT, "UPDATE orders SET status = 'CLOSED' WHERE order_id = ?");

        assertThatThrownBy(() -> statements(config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("order-timeout.jdbc.close-statement")
                .hasMessageContaining("positional");
    }
}
