package io.ordertimeout.event;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets valid events through, drops the source's caught-up heartbeats and moves dead letters to
 * {@link #DEAD_LETTERS}, with a counter and a log line (DESIGN.md §2, §6). An event whose optional
 * fields were dropped goes on, and each dropped field is a dead letter too, counted also in
 * {@code droppedFields}. Log lines are rate-limited so that a producer sending garbage
 * cannot flood the log: at most {@value #LOG_BURST} lines per {@value #LOG_WINDOW_MILLIS} ms, then
 * one line saying how many were not logged.
 */
public class DeadLetterRouter extends ProcessFunction<OrderMessage, OrderEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRouter.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    static final int LOG_BURST = 10;
    static final long LOG_WINDOW_MILLIS = 10_000;

    private transient Counter deadLetters;
    private transient Counter droppedFields;
    private transient long windowStart;
    private transient int loggedInWindow;
    private transient long suppressedInWindow;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("orderTimeout");
        deadLetters = metrics.counter("deadLetters");
        droppedFields = metrics.counter("droppedFields");
    }

    @Override
    public void processElement(OrderMessage message, Context ctx, Collector<OrderEvent> out) {
        if (message.isHeartbeat()) {
            return; // served the source's watermark generator; not data
        }
        for (DeadLetter deadLetter : message.deadLetters) {
            deadLetters.inc();
            if (message.isValid()) {
                droppedFields.inc();
            }
            logRateLimited(deadLetter);
            ctx.output(DEAD_LETTERS, deadLetter);
        }
        if (message.isValid()) {
            out.collect(message.event);
        }
    }

    private void logRateLimited(DeadLetter deadLetter) {
        long now = System.currentTimeMillis();
        if (now - windowStart >= LOG_WINDOW_MILLIS) {
            if (suppressedInWindow > 0) {
                LOG.warn("{} more dead letters were not logged in the last {} s (see the deadLetters metric)",
                        suppressedInWindow, LOG_WINDOW_MILLIS / 1000);
            }
            windowStart = now;
            loggedInWindow = 0;
            suppressedInWindow = 0;
        }
        if (loggedInWindow < LOG_BURST) {
            loggedInWindow++;
            LOG.warn("Dead letter at {}: {}", deadLetter.sourcePosition, deadLetter.reason);
        } else {
            suppressedInWindow++;
        }
    }
}
