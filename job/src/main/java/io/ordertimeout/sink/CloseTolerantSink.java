package io.ordertimeout.sink;

import java.io.IOException;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's at-least-once {@link JdbcSink}, except that closing its writer never throws.
 *
 * <p>Why: flink-connector-jdbc 4.0.0-2.0 remembers a failed batch and throws it again from
 * {@code close()}. Flink closes writers while cleaning up a task that has already failed (the
 * failure was that same batch); an exception there is "FATAL - exception in exception handler"
 * and shuts the whole TaskManager down, so a database outage longer than the retries would kill
 * TaskManagers instead of just restarting the job. Swallowing it loses nothing: on a normal end
 * of input the writer was already flushed with {@code flush(true)}, whose failure still fails
 * the job; otherwise the unwritten batch is replayed from the last checkpoint.
 *
 * <p>Only at-least-once is supported: the connector's writer then keeps no state and commits
 * nothing ({@code snapshotState} and {@code prepareCommit} return empty lists), so exposing the
 * plain {@link Sink} interface drops nothing.
 */
final class CloseTolerantSink<IN> implements Sink<IN> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CloseTolerantSink.class);

    private final JdbcSink<IN> atLeastOnceSink;

    CloseTolerantSink(JdbcSink<IN> atLeastOnceSink) {
        this.atLeastOnceSink = atLeastOnceSink;
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(atLeastOnceSink.createWriter(context), context.getTaskInfo().getTaskNameWithSubtasks());
    }

    private static final class Writer<IN> implements SinkWriter<IN> {

        private final SinkWriter<IN> delegate;
        private final String taskName;

        Writer(SinkWriter<IN> delegate, String taskName) {
            this.delegate = delegate;
            this.taskName = taskName;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            delegate.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            delegate.writeWatermark(watermark);
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } catch (Exception e) {
                LOG.warn("{}: JDBC writer failed while closing (its batch is replayed from the last checkpoint): {}",
                        taskName, e.toString());
            }
        }
    }
}
