package io.ordertimeout.testkit.workload;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The contract tables of COMMON.md as plain DDL, for tests that must not wait for sql/. */
final class ContractSchema {

    private ContractSchema() {}

    static void create(Connection connection, SqlFlavor flavor) throws SQLException {
        String ts = flavor == SqlFlavor.POSTGRES ? "TIMESTAMPTZ(3)" : "DATETIME(3)";
        String autoId = flavor == SqlFlavor.POSTGRES ? "BIGSERIAL" : "BIGINT AUTO_INCREMENT";
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (order_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(64), "
                    + "amount_cents BIGINT, currency CHAR(3), status VARCHAR(32) NOT NULL, created_at " + ts
                    + " NOT NULL, close_reason VARCHAR(32) NULL, closed_at " + ts + " NULL)");
            statement.execute("CREATE INDEX orders_status_created_at ON orders (status, created_at)");
            statement.execute("CREATE TABLE order_timeout_log (order_id VARCHAR(64) PRIMARY KEY, deadline " + ts
                    + " NOT NULL, closed_at " + ts + " NOT NULL, lateness_ms BIGINT NOT NULL)");
            statement.execute("CREATE TABLE refund_request (order_id VARCHAR(64) NOT NULL, payment_id VARCHAR(128) "
                    + "NOT NULL, reason VARCHAR(32) NOT NULL, paid_at " + ts + " NULL, requested_at " + ts
                    + " NOT NULL, user_id VARCHAR(64), amount_cents BIGINT, currency CHAR(3), "
                    + "PRIMARY KEY (order_id, payment_id))");
            statement.execute("CREATE TABLE order_event_dead_letter (id " + autoId + " PRIMARY KEY, "
                    + "source_position VARCHAR(256), reason VARCHAR(1024) NOT NULL, payload TEXT, rejected_at " + ts
                    + " NOT NULL)");
        }
    }

    static void truncate(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String table : new String[] {"orders", "order_timeout_log", "refund_request", "order_event_dead_letter"}) {
                statement.execute("DELETE FROM " + table);
            }
        }
    }
}
