package io.ordertimeout.sink;

import io.ordertimeout.OrderTimeoutPipeline;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.core.RefundRequest;
import io.ordertimeout.event.DeadLetter;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the job's database writers (DESIGN.md §5, §6) to its streams: one
 * {@link TransactionalJdbcWriter} each for closes (UPDATE + audit), refunds and, when a table is
 * configured, dead letters. Each has a stable uid and a readable name.
 *
 * <p>The uids are new ({@code jdbc-*-writer}): the connector sinks of the first version
 * ({@code jdbc-close-orders}, {@code jdbc-close-audit}, {@code jdbc-refund-requests},
 * {@code jdbc-dead-letters}) are gone. Their at-least-once writers kept no state; should a
 * savepoint of that version still be refused for them, restore it with
 * {@code --allowNonRestoredState}: nothing is lost. The new writers keep no state either: they
 * flush before every checkpoint barrier.
 */
public final class OrderDatabaseSinks {

    public static final String CLOSES_UID = "jdbc-close-writer";
    public static final String CLOSES_NAME = "Close orders + audit (JDBC)";
    public static final String REFUNDS_UID = "jdbc-refund-writer";
    public static final String REFUNDS_NAME = "Refund requests (JDBC)";
    public static final String DEAD_LETTERS_UID = "jdbc-dead-letter-writer";
    public static final String DEAD_LETTERS_NAME = "Dead letters (JDBC)";

    private static final Logger LOG = LoggerFactory.getLogger(OrderDatabaseSinks.class);

    private final JdbcSinkSettings settings;
    private final OrderStatements statements;

    /** Builds and validates every statement now, so bad settings fail at submission. */
    public OrderDatabaseSinks(JdbcSinkSettings settings) {
        this.settings = settings;
        this.statements = new OrderStatements(settings);
        LOG.info("JDBC writers: {}", settings);
    }

    /** Every writer on the pipeline's streams; the dead letters of all of them go to the dead-letter table. */
    public DatabaseOutcomes attach(OrderTimeoutPipeline pipeline) {
        SingleOutputStreamOperator<CloseResult> closes = closes(pipeline.closes);
        SingleOutputStreamOperator<RefundResult> refunds = refunds(pipeline.refunds);
        DataStream<DeadLetter> deadLetters = pipeline.deadLetters.union(
                closes.getSideOutput(TransactionalJdbcWriter.REJECTED),
                refunds.getSideOutput(TransactionalJdbcWriter.REJECTED));
        deadLetters(deadLetters);
        DataStream<RefundRequest> written = refunds
                .filter(RefundResult::written).uid("jdbc-refunds-written").name("Written refunds")
                .map(result -> result.refund).uid("jdbc-refunds-written-requests").name("Written refund requests")
                .returns(RefundRequest.class);
        return new DatabaseOutcomes(closes, written, deadLetters);
    }

    /** The close UPDATE and the audit INSERT, one transaction per batch; emits each close's outcome. */
    public SingleOutputStreamOperator<CloseResult> closes(DataStream<CloseCommand> closes) {
        return closes.transform(CLOSES_NAME, TypeInformation.of(CloseResult.class),
                        writer(new CloseStatements(statements), true))
                .uid(CLOSES_UID);
    }

    /**
     * The guarded refund INSERT; emits each refund's outcome. Not chained to the state machine: it
     * may wait for a close that the close writer, in the state machine's thread, is applying (see
     * {@link RefundStatements}).
     */
    public SingleOutputStreamOperator<RefundResult> refunds(DataStream<RefundRequest> refunds) {
        return refunds.transform(REFUNDS_NAME, TypeInformation.of(RefundResult.class),
                        writer(new RefundStatements(statements, settings.dialect()), true))
                .uid(REFUNDS_UID)
                .disableChaining();
    }

    /** The dead-letter INSERT, or empty (nothing attached) when no dead-letter table is configured. */
    public Optional<SingleOutputStreamOperator<DeadLetter>> deadLetters(DataStream<DeadLetter> deadLetters) {
        return statements.deadLetter().map(insert -> deadLetters
                .transform(DEAD_LETTERS_NAME, TypeInformation.of(DeadLetter.class),
                        writer(new DeadLetterStatements(insert), false))
                .uid(DEAD_LETTERS_UID));
    }

    public OrderStatements statements() {
        return statements;
    }

    private <IN, OUT> TransactionalJdbcWriter<IN, OUT> writer(BatchStatements<IN, OUT> batchStatements,
            boolean rejectsToDeadLetters) {
        return new TransactionalJdbcWriter<>(batchStatements, settings.connectionOptions(), settings.batchSize(),
                settings.batchInterval(), settings.retryPolicy(), rejectsToDeadLetters);
    }
}
