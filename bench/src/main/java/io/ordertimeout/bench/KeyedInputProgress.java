package io.ordertimeout.bench;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * How many records the keyed timeout operator has taken in so far, read in the benchmark's own
 * JVM through Flink's public reporter interface (the MiniCluster runs here). It splits the
 * end-to-end time into job start (running until the first record reaches the operator), reading
 * (until the last one did) and the tail (until the last close is in the database), so that the
 * ratio can be explained rather than guessed at. Flink's JMX reporter would do the same but is not
 * on the class path, and polling the REST API needs the local environment's hidden port.
 */
public final class KeyedInputProgress implements MetricReporter {

    static final String OPERATOR_NAME = "Order payment timeout";

    private static final Map<Object, Counter> RECORDS_IN = new ConcurrentHashMap<>();

    /** Registers the reporter in a benchmark job's configuration. */
    static void enable(Configuration config) {
        config.setString("metrics.reporter.bench-progress.factory.class", Factory.class.getName());
    }

    /** Records taken in by all subtasks of the keyed operator of the running job (0 if none runs). */
    static long recordsIn() {
        long sum = 0;
        for (Counter counter : RECORDS_IN.values()) {
            sum += counter.getCount();
        }
        return sum;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {
        // Nothing to clear: a closing MiniCluster's reporter can close after the next job registered
        // its counters, and every task already unregistered its own on the way down.
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (isKeyedOperatorInput(metric, name, group)) {
            RECORDS_IN.put(metric, (Counter) metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        RECORDS_IN.remove(metric);
    }

    private static boolean isKeyedOperatorInput(Metric metric, String name, MetricGroup group) {
        return metric instanceof Counter && "numRecordsIn".equals(name)
                && OPERATOR_NAME.equals(group.getAllVariables().get("<operator_name>"));
    }

    /** Named in the configuration; Flink instantiates it by reflection. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new KeyedInputProgress();
        }
    }
}
