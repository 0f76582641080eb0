package io.ordertimeout.sink;

import io.ordertimeout.event.DeadLetter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** The dead-letter INSERT; every row the database takes is one stored dead letter. */
final class DeadLetterStatements implements BatchStatements<DeadLetter, DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final BoundStatement<DeadLetter> insert;

    private transient Counter stored;

    DeadLetterStatements(BoundStatement<DeadLetter> insert) {
        this.insert = insert;
    }

    @Override
    public String name() {
        return "dead-letter";
    }

    @Override
    public String key(DeadLetter record) {
        return String.valueOf(record.sourcePosition);
    }

    @Override
    public void open(MetricGroup orderTimeoutMetrics) {
        stored = orderTimeoutMetrics.counter("storedDeadLetters");
    }

    @Override
    public List<DeadLetter> apply(Connection connection, List<DeadLetter> batch, boolean mustDecide)
            throws SQLException {
        insert.executeBatch(connection, batch);
        return batch;
    }

    @Override
    public void committed(DeadLetter outcome) {
        stored.inc();
    }
}
