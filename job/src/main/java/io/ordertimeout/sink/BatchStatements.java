package io.ordertimeout.sink;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.flink.metrics.MetricGroup;

/**
 * What one {@link TransactionalJdbcWriter} writes: the statements of one kind of record, run for a
 * batch inside the writer's transaction, and what each record's statements did.
 */
public interface BatchStatements<IN, OUT> extends Serializable {

    /** Short name for dead-letter positions ({@code jdbc/<name>/<key>}) and logs: close, refund, ... */
    String name();

    /** The record's key in dead-letter positions, e.g. its order id. */
    String key(IN record);

    /** Registers this writer's counters in the job's {@code orderTimeout} metric group. */
    void open(MetricGroup orderTimeoutMetrics);

    /**
     * Runs the statements for {@code batch} on {@code connection}, whose autocommit is off; the
     * caller commits, or rolls back when this throws.
     *
     * @param mustDecide whether every record must get its outcome now (before a checkpoint barrier,
     *     at the end of input); otherwise a record whose outcome depends on a change still on its
     *     way may be left undecided
     * @return one outcome per record, in the batch's order; {@code null} for a record left
     *     undecided, which the writer applies again with a later batch
     */
    List<OUT> apply(Connection connection, List<IN> batch, boolean mustDecide) throws SQLException;

    /** Counts an outcome once its transaction has committed. */
    void committed(OUT outcome);
}
