package io.ordertimeout.sink;

import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

class TransactionalJdbcWriterMariaDbTest extends TransactionalJdbcWriterTestBase {

    @Override
    TestDatabase startDatabase() {
        return EmbeddedMariaDbDatabase.start();
    }

    @Override
    void killJobSessions() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id FROM information_schema.processlist WHERE user = '"
                        + TestDatabase.JOB_USER + "'")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        ids.forEach(id -> execute("KILL " + id));
    }

    @Override
    boolean jobSessionWaitsForALock() throws SQLException {
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM information_schema.processlist WHERE user = '" + TestDatabase.JOB_USER + "' AND command = 'Query'")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    @Override
    List<String> refundRejectingTrigger(String paymentId) {
        return List.of("CREATE TRIGGER reject_refund BEFORE INSERT ON refund_request FOR EACH ROW BEGIN "
                + "IF NEW.payment_id = '" + paymentId + "' THEN "
                + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refund refused'; END IF; END");
    }

    @Override
    List<String> dropRefundRejectingTrigger() {
        return List.of("DROP TRIGGER reject_refund");
    }

    @Override
    String constraintSqlState() {
        return "23000";
    }

    @Override
    String triggerSqlState() {
        return "45000";
    }

    @Override
    void insertOrders(Connection admin, String prefix, String status, int count) throws SQLException {
        // MariaDB's sequence engine: seq_1_to_N is a table of the numbers 1..N.
        try (PreparedStatement insert = admin.prepareStatement("INSERT INTO orders (order_id, status, created_at)"
                + " SELECT CONCAT(?, seq), ?, NOW(3) - INTERVAL seq SECOND FROM seq_1_to_" + count)) {
            insert.setString(1, prefix);
            insert.setString(2, status);
            insert.executeUpdate();
        }
    }

    @Override
    String analyzeOrdersStatement() {
        return "ANALYZE TABLE orders";
    }

    @Override
    String ordersIndexIn(ResultSet plan) throws SQLException {
        while (plan.next()) {
            if ("orders".equals(plan.getString("table")) && plan.getString("key") != null) {
                return plan.getString("key");
            }
        }
        return "none";
    }

    @Override
    String primaryKeyIndex() {
        return "PRIMARY";
    }
}
