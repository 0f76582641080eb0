package io.ordertimeout.sink;

import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class TransactionalJdbcWriterPostgresTest extends TransactionalJdbcWriterTestBase {

    @Override
    TestDatabase startDatabase() {
        return EmbeddedPostgresDatabase.start();
    }

    @Override
    void killJobSessions() {
        execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + TestDatabase.JOB_USER + "'");
    }

    @Override
    boolean jobSessionWaitsForALock() throws SQLException {
        try (Connection admin = database().adminConnection(); Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + TestDatabase.JOB_USER + "' AND wait_event_type = 'Lock'")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    @Override
    List<String> refundRejectingTrigger(String paymentId) {
        return List.of("CREATE FUNCTION reject_refund() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.payment_id = '" + paymentId + "' THEN RAISE EXCEPTION 'refund % refused', NEW.payment_id; "
                        + "END IF; RETURN NEW; END $$",
                "CREATE TRIGGER reject_refund BEFORE INSERT ON refund_request FOR EACH ROW EXECUTE FUNCTION reject_refund()");
    }

    @Override
    List<String> dropRefundRejectingTrigger() {
        return List.of("DROP TRIGGER reject_refund ON refund_request", "DROP FUNCTION reject_refund()");
    }

    @Override
    void insertOrders(Connection admin, String prefix, String status, int count) throws SQLException {
        try (PreparedStatement insert = admin.prepareStatement("INSERT INTO orders (order_id, status, created_at)"
                + " SELECT ? || n, ?, now() - n * interval '1 second' FROM generate_series(1, ?) AS n")) {
            insert.setString(1, prefix);
            insert.setString(2, status);
            insert.setInt(3, count);
            insert.executeUpdate();
        }
    }

    @Override
    String analyzeOrdersStatement() {
        return "ANALYZE orders";
    }

    @Override
    String ordersIndexIn(ResultSet plan) throws SQLException {
        Pattern indexScan = Pattern.compile("using (\\S+) on orders");
        while (plan.next()) {
            Matcher line = indexScan.matcher(plan.getString(1));
            if (line.find()) {
                return line.group(1);
            }
        }
        return "none";
    }

    @Override
    String primaryKeyIndex() {
        return "orders_pkey";
    }

    @Override
    String constraintSqlState() {
        return "23514";
    }

    @Override
    String triggerSqlState() {
        return "P0001";
    }
}
