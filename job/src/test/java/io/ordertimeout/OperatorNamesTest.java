package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.output.RocketMqOutputs;
import io.ordertimeout.sink.DatabaseOutcomes;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.time.WallClock;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The names the job gives its operators end up in metric scopes (web UI, Prometheus labels and
 * metric ids): Flink truncates an operator name longer than 80 characters there (with a warning),
 * which makes a dashboard's query miss its metric. The whole job is built as {@code flink run}
 * builds it, every optional output on, and each operator and vertex name is checked; the uids are
 * pinned, since a savepoint maps state by them.
 */
class OperatorNamesTest {

    /** Flink's limit for an operator name in a metric scope (MetricUtils.truncateOperatorName). */
    static final int METRIC_OPERATOR_NAME_LIMIT = 80;

    private static StreamGraph streamGraph;
    private static JobGraph jobGraph;

    @BeforeAll
    static void buildTheWholeJob() {
        Configuration config = Configuration.fromMap(Map.of(
                "order-timeout.rocketmq.namesrv-addr", "localhost:9876",
                "order-timeout.jdbc.url", "jdbc:postgresql://localhost:5432/orders",
                "order-timeout.db.dead-letter-table", "order_event_dead_letter",
                "order-timeout.output.closed-topic", "order-closed",
                "order-timeout.output.refund-topic", "refund-requests",
                "order-timeout.output.dead-letter-topic", "order-events-dead-letters"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        DatabaseOutcomes outcomes = OrderTimeoutJob.define(env, config, RocketMqOrderSource.from(config),
                WallClock.system());
        RocketMqOutputs.from(config).attach(outcomes);
        streamGraph = env.getStreamGraph();
        jobGraph = streamGraph.getJobGraph();
    }

    @Test
    void everyOperatorNameFitsTheMetricScopeLimit() {
        assertThat(streamGraph.getStreamNodes()).isNotEmpty().allSatisfy(node -> assertThat(node.getOperatorName())
                .as("operator name of %s", node.getTransformationUID())
                .hasSizeLessThanOrEqualTo(METRIC_OPERATOR_NAME_LIMIT));
    }

    @Test
    void everyVertexNameFitsTheLimitToo() {
        assertThat(jobGraph.getVertices()).isNotEmpty().allSatisfy(vertex -> assertThat(vertex.getName())
                .hasSizeLessThanOrEqualTo(METRIC_OPERATOR_NAME_LIMIT));
    }

    @Test
    void theChainedSourceVertexIsNamedAfterItsOperators() {
        assertThat(jobGraph.getVertices()).extracting(JobVertex::getName)
                .anySatisfy(name -> assertThat(name).startsWith("Source: RocketMQ order events")
                        .contains("Route dead letters"));
    }

    /** Savepoint compatibility: these uids (and so the state they own) must never change. */
    @Test
    void operatorUidsAreUnchanged() {
        Map<String, String> uidByName = new TreeMap<>();
        for (StreamNode node : streamGraph.getStreamNodes()) {
            uidByName.put(node.getOperatorName(), node.getTransformationUID());
        }
        assertThat(uidByName).containsEntry("Source: RocketMQ order events", RocketMqOrderSource.UID)
                .containsEntry("Route dead letters", OrderTimeoutPipeline.VALIDATE_UID)
                .containsEntry("Order payment timeout", OrderTimeoutPipeline.TIMEOUT_UID)
                .containsValues("rocketmq-order-events", "validate-events", "order-timeout-state",
                        "jdbc-close-writer", "jdbc-refund-writer", "jdbc-dead-letter-writer",
                        "jdbc-refunds-written", "jdbc-refunds-written-requests", "applied-closes",
                        "applied-closes-commands", "rocketmq-order-closed", "rocketmq-refund-requests",
                        "rocketmq-dead-letters");
    }
}
