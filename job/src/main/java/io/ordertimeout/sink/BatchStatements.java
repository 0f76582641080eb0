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
     * @param lastAttempt whether the caller will not retry after a transient error; an
     *     implementation that asks for a later look (by throwing a {@link java.sql.SQLTransientException})
     *     must decide instead when this is set
     * @return one outcome per record, in the batch's order
     */
    List<OUT> apply(Connection connection, List<IN> batch, boolean lastAttempt) throws SQLException;

    /** Counts an outcome once its transaction has committed. */
    void committed(OUT outcome);
}
