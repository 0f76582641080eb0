package io.ordertimeout.sink;

import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the job's database outputs (DESIGN.md §5, §6) to its streams: flink-connector-jdbc
 * {@link JdbcSink}s, at-least-once (flushed on every checkpoint, retried with backoff), whose
 * statements are idempotent so replays after a restart change nothing. Each sink has a stable
 * uid and a readable name. A sink that keeps failing after its retries fails the job (which
 * restarts from the last checkpoint), never the TaskManager: see {@link CloseTolerantSink}.
 */
public final class OrderDatabaseSinks {

    public static final String CLOSE_ORDERS_UID = "jdbc-close-orders";
    public static final String CLOSE_ORDERS_NAME = "Close orders (JDBC)";
    public static final String CLOSE_AUDIT_UID = "jdbc-close-audit";
    public static final String CLOSE_AUDIT_NAME = "Close audit log (JDBC)";
    public static final String REFUNDS_UID = "jdbc-refund-requests";
    public static final String REFUNDS_NAME = "Refund requests (JDBC)";
    public static final String DEAD_LETTERS_UID = "jdbc-dead-letters";
    public static final String DEAD_LETTERS_NAME = "Dead letters (JDBC)";

    private static final Logger LOG = LoggerFactory.getLogger(OrderDatabaseSinks.class);

    private final JdbcSinkSettings settings;
    private final OrderStatements statements;

    /** Builds and validates every statement now, so bad settings fail at submission. */
    public OrderDatabaseSinks(JdbcSinkSettings settings) {
        this.settings = settings;
        this.statements = new OrderStatements(settings);
        LOG.info("JDBC sinks: {}", settings);
    }

    /** The close UPDATE on the orders table and the audit INSERT, both fed every close command. */
    public List<DataStreamSink<CloseCommand>> closes(DataStream<CloseCommand> closes) {
        return List.of(
                attach(closes, statements.close(), CLOSE_ORDERS_UID, CLOSE_ORDERS_NAME),
                attach(closes, statements.audit(), CLOSE_AUDIT_UID, CLOSE_AUDIT_NAME));
    }

    /** The refund INSERT (ignores duplicates, skips orders the database says are paid). */
    public DataStreamSink<RefundRequest> refunds(DataStream<RefundRequest> refunds) {
        return attach(refunds, statements.refund(), REFUNDS_UID, REFUNDS_NAME);
    }

    /** The dead-letter INSERT, or empty (nothing attached) when no dead-letter table is configured. */
    public Optional<DataStreamSink<DeadLetter>> deadLetters(DataStream<DeadLetter> deadLetters) {
        return statements.deadLetter()
                .map(statement -> attach(deadLetters, statement, DEAD_LETTERS_UID, DEAD_LETTERS_NAME));
    }

    public OrderStatements statements() {
        return statements;
    }

    private <T> DataStreamSink<T> attach(DataStream<T> stream, JdbcQueryStatement<T> statement, String uid, String name) {
        JdbcSink<T> sink = JdbcSink.<T>builder()
                .withQueryStatement(statement)
                .withExecutionOptions(settings.executionOptions())
                .buildAtLeastOnce(settings.connectionOptions());
        return stream.sinkTo(new CloseTolerantSink<>(sink)).uid(uid).name(name);
    }
}
