package io.ordertimeout.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.classloading.UserCodeClassLoaderRelease;
import io.ordertimeout.event.DeadLetter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to the database in batches, one transaction per batch, and emits what each
 * record's statements did only after the commit (DESIGN.md §5, §6).
 *
 * <p>Why not flink-connector-jdbc's {@code JdbcSink}: it is a sink, so nothing flows downstream —
 * neither the update counts that tell an applied close from one that found the order paid, nor
 * the records the database rejected — and a batch it cannot write fails again after every restart,
 * so one bad value stops every close (issue 8). This operator keeps what the connector did well
 * (its {@link SimpleJdbcConnectionProvider}, at-least-once flushing) and adds exactly that.
 *
 * <p><b>Flushing.</b> A batch is written when it has {@code batchSize} records, when its oldest
 * record has waited {@code batchInterval} (a processing-time timer), before every checkpoint
 * barrier ({@link #prepareSnapshotPreBarrier}: everything read before the barrier is in the
 * database, decided, and its outcomes are emitted before the barrier, so nothing needs to be kept
 * in state) and at the end of input. Records the statements leave undecided (see
 * {@link BatchStatements#apply}) go again with the next batch, at the latest before the next
 * barrier. The statements are idempotent, so a replay after a restart is harmless.
 *
 * <p><b>Errors</b> ({@link SqlErrorClassifier}). A record error rolls the batch back and writes its
 * records one transaction each: a rejected record becomes a {@link DeadLetter} on {@link #REJECTED}
 * (its JSON, {@code jdbc/<name>/<key>}, the SQLState and driver message), its neighbours are
 * written. Other errors are retried with exponential backoff, reconnecting when the connection is
 * no longer valid; when the retries run out the writer throws, the job fails and restarts from its
 * last checkpoint. A writer of dead letters cannot dead-letter its own rejects: it logs, counts
 * and drops them, since a restart would not make them fit either.
 *
 * <p>{@link #close()} never throws: Flink closes operators while cleaning up a task that has
 * already failed; an exception there is "FATAL - exception in exception handler" and shuts the
 * TaskManager down. Records still buffered then are replayed from the last checkpoint.
 */
public final class TransactionalJdbcWriter<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalJdbcWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records the database rejected, as dead letters. */
    public static final OutputTag<DeadLetter> REJECTED = new OutputTag<>("jdbc-rejected") {};

    private final BatchStatements<IN, OUT> statements;
    private final JdbcConnectionOptions connectionOptions;
    private final int batchSize;
    private final long batchIntervalMillis;
    private final RetryPolicy retryPolicy;
    private final boolean rejectsToDeadLetters;

    private transient List<IN> batch;
    /** Records whose outcome could not be decided yet; applied again with the next batch. */
    private transient List<IN> undecided;
    private transient boolean flushScheduled;
    private transient JdbcConnectionProvider connections;
    private transient String taskName;
    private transient Counter retries;
    private transient Counter rejected;
    private transient Counter deadLetters;
    private transient Counter droppedDeadLetters;

    /**
     * @param rejectsToDeadLetters whether rejected records go to {@link #REJECTED}; false for the
     *     writer of dead letters itself
     */
    public TransactionalJdbcWriter(BatchStatements<IN, OUT> statements, JdbcConnectionOptions connectionOptions,
            int batchSize, Duration batchInterval, RetryPolicy retryPolicy, boolean rejectsToDeadLetters) {
        this.statements = statements;
        this.connectionOptions = connectionOptions;
        this.batchSize = batchSize;
        this.batchIntervalMillis = batchInterval.toMillis();
        this.retryPolicy = retryPolicy;
        this.rejectsToDeadLetters = rejectsToDeadLetters;
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup metrics = getMetricGroup().addGroup("orderTimeout");
        statements.open(metrics);
        retries = metrics.counter("sinkRetries");
        rejected = metrics.counter("sinkRecordsRejected");
        if (rejectsToDeadLetters) {
            deadLetters = metrics.counter("deadLetters");
        } else {
            droppedDeadLetters = metrics.counter("droppedDeadLetters");
        }
        batch = new ArrayList<>(Math.min(batchSize, 1024));
        undecided = new ArrayList<>();
        connections = new SimpleJdbcConnectionProvider(connectionOptions);
        taskName = getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        // Every job has this writer: it registers what the job undoes when its class loader is released.
        UserCodeClassLoaderRelease.register(getRuntimeContext());
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        batch.add(element.getValue());
        if (batch.size() >= batchSize) {
            flush(false);
        } else {
            scheduleFlush();
        }
    }

    /** Everything before the barrier is written and decided, and its outcomes emitted before it. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(true);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush(true);
    }

    @Override
    public void finish() throws Exception {
        flush(true);
        super.finish();
    }

    private void scheduleFlush() {
        if (flushScheduled || batchIntervalMillis <= 0) {
            return;
        }
        flushScheduled = true;
        long due = getProcessingTimeService().getCurrentProcessingTime() + batchIntervalMillis;
        getProcessingTimeService().registerTimer(due, time -> {
            flushScheduled = false;
            flush(false);
        });
    }

    @Override
    public void close() {
        try {
            super.close();
        } catch (Throwable e) {
            LOG.warn("{}: closing the JDBC writer failed: {}", taskName, e.toString());
        } finally {
            try {
                if (connections != null) {
                    connections.closeConnection();
                }
            } catch (Throwable e) {
                LOG.warn("{}: closing the JDBC connection failed: {}", taskName, e.toString());
            }
        }
    }

    /** Retries so far (the {@code sinkRetries} counter), for tests. */
    long retryCount() {
        return retries.getCount();
    }

    private void flush(boolean mustDecide) throws Exception {
        if (batch.isEmpty() && undecided.isEmpty()) {
            return;
        }
        List<IN> records = undecided;
        records.addAll(batch);
        batch = new ArrayList<>(Math.min(batchSize, 1024));
        undecided = new ArrayList<>();
        write(records, mustDecide);
        if (!undecided.isEmpty()) {
            scheduleFlush();
        }
    }

    private void write(List<IN> records, boolean mustDecide) throws Exception {
        List<OUT> outcomes;
        try {
            outcomes = writeWithRetries(records, mustDecide);
        } catch (RecordRejected rejection) {
            if (records.size() == 1) {
                reject(records.get(0), rejection.error);
                return;
            }
            LOG.warn("{}: the database rejected a record of a batch of {} ({}); writing them one by one",
                    taskName, records.size(), SqlErrorClassifier.describe(rejection.error));
            for (IN record : records) {
                write(List.of(record), mustDecide);
            }
            return;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            OUT outcome = outcomes.get(i);
            if (outcome == null) {
                undecided.add(records.get(i));
                continue;
            }
            statements.committed(outcome);
            output.collect(new StreamRecord<>(outcome));
        }
    }

    /** One transaction for {@code records}: committed outcomes, or a record error, or an exception after the retries. */
    private List<OUT> writeWithRetries(List<IN> records, boolean mustDecide) throws Exception {
        for (int retry = 0; ; retry++) {
            boolean lastAttempt = retry >= retryPolicy.maxRetries();
            try {
                Connection connection = connection(retry > 0);
                List<OUT> outcomes = statements.apply(connection, records, mustDecide);
                connection.commit();
                return outcomes;
            } catch (SQLException e) {
                rollbackQuietly();
                SqlErrorClassifier.Kind kind = SqlErrorClassifier.classify(e);
                if (kind == SqlErrorClassifier.Kind.RECORD) {
                    throw new RecordRejected(e);
                }
                if (lastAttempt) {
                    throw new IOException(taskName + ": writing " + records.size() + " " + statements.name()
                            + " record(s) failed after " + retry + " retries (" + kind.name().toLowerCase()
                            + " error): " + SqlErrorClassifier.describe(e), e);
                }
                retries.inc();
                Duration backoff = retryPolicy.backoffBefore(retry + 1);
                LOG.warn("{}: {} error writing {} {} record(s); retry {} of {} in {} ms: {}", taskName,
                        kind.name().toLowerCase(), records.size(), statements.name(), retry + 1,
                        retryPolicy.maxRetries(), backoff.toMillis(), SqlErrorClassifier.describe(e));
                Thread.sleep(backoff.toMillis());
            }
        }
    }

    /** The open connection with autocommit off; after a failure, a new one if it is no longer valid. */
    private Connection connection(boolean afterFailure) throws SQLException, IOException {
        try {
            if (afterFailure && connections.getConnection() != null && !connections.isConnectionValid()) {
                connections.closeConnection();
            }
            Connection connection = connections.getOrEstablishConnection();
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
            }
            return connection;
        } catch (ClassNotFoundException e) {
            throw new IOException("JDBC driver " + connectionOptions.getDriverName() + " not found", e);
        }
    }

    private void rollbackQuietly() {
        Connection connection = connections.getConnection();
        if (connection == null) {
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("{}: rollback failed (the connection is checked before the retry): {}", taskName, e.toString());
        }
    }

    private void reject(IN record, SQLException error) {
        rejected.inc();
        String position = "jdbc/" + statements.name() + "/" + statements.key(record);
        String reason = "the database rejected the " + statements.name() + ": " + SqlErrorClassifier.describe(error);
        if (!rejectsToDeadLetters) {
            droppedDeadLetters.inc();
            LOG.error("{}: dropped {}, which the database rejected: {}", taskName, record, reason);
            return;
        }
        deadLetters.inc();
        LOG.warn("Dead letter at {}: {}", position, reason);
        output.collect(REJECTED, new StreamRecord<>(new DeadLetter(json(record), position, reason,
                System.currentTimeMillis())));
    }

    private static byte[] json(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            return String.valueOf(record).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A record error: carried out of the retry loop to the one-by-one path. */
    private static final class RecordRejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final SQLException error;

        RecordRejected(SQLException error) {
            super(error);
            this.error = error;
        }
    }
}
