package io.ordertimeout.connector.rocketmq.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceSettings;
import io.ordertimeout.connector.rocketmq.source.enumerator.QueueMetadataClient;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.connector.rocketmq.source.split.RocketMqSplit;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader's offset commits after completed checkpoints are counted: a commit the broker
 * accepted in {@code commitsSucceeded}, one that did not reach it in {@code commitsFailed}.
 */
class RocketMqOffsetCommitMetricsTest {

    private static EmbeddedRocketMq rocketMq;

    @BeforeAll
    static void startRocketMq() {
        rocketMq = EmbeddedRocketMq.start();
    }

    @AfterAll
    static void stopRocketMq() {
        if (rocketMq != null) {
            rocketMq.close();
        }
    }

    @Test
    void aCommitTheBrokerAcceptedIsCountedAsSucceeded() throws Exception {
        String topic = "commit-metrics-ok";
        rocketMq.createTopic(topic, 1);
        MessageQueue queue = rocketMq.messageQueues(topic).get(0);
        rocketMq.sendStrings(topic, queue.getQueueId(), List.of("a", "b", "c"));
        RocketMqSourceSettings settings = settings(rocketMq.nameServerAddress(), topic, "commit-metrics-ok-group");
        RecordingMetricGroup metricGroup = new RecordingMetricGroup();

        RocketMqSplitReader reader = new RocketMqSplitReader(settings, metricsOf(metricGroup), 0);
        try {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(new RocketMqSplit(queue, 0))));
            // As in a job, the group has pulled before its first checkpoint completes: the broker
            // creates the subscription group on the first pull and refuses offsets of an unknown
            // group ("Group ... not exist", which a first commit racing the first pull gets).
            readMessages(reader, 3);
            reader.requestCommit(Map.of(queue, 2L));
            reader.fetch();
        } finally {
            reader.close();
        }

        assertThat(metricGroup.count("commitsSucceeded")).isEqualTo(1);
        assertThat(metricGroup.count("commitsFailed")).isZero();
        try (QueueMetadataClient metadata = QueueMetadataClient.open(settings, "commit-metrics-check")) {
            assertThat(metadata.committedOffset(settings.consumerGroup(), queue)).isEqualTo(OptionalLong.of(2));
        }
    }

    @Test
    void aCommitThatCannotReachTheBrokerIsCountedAsFailed() throws Exception {
        String unreachableNameServer = "127.0.0.1:" + closedPort();
        RocketMqSourceSettings settings = settings(unreachableNameServer, "commit-metrics-unreachable",
                "commit-metrics-unreachable-group");
        MessageQueue queue = new MessageQueue("commit-metrics-unreachable", EmbeddedRocketMq.BROKER_NAME, 0);
        RecordingMetricGroup metricGroup = new RecordingMetricGroup();

        RocketMqSplitReader reader = new RocketMqSplitReader(settings, metricsOf(metricGroup), 0);
        try {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(new RocketMqSplit(queue, 0))));
            reader.requestCommit(Map.of(queue, 5L));
            reader.fetch();
        } finally {
            reader.close();
        }

        assertThat(metricGroup.count("commitsFailed")).isEqualTo(1);
        assertThat(metricGroup.count("commitsSucceeded")).isZero();
    }

    private static void readMessages(RocketMqSplitReader reader, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int read = 0;
        while (read < expected) {
            assertThat(System.nanoTime()).as("read %d of %d messages in time", read, expected).isLessThan(deadline);
            RecordsWithSplitIds<QueueElement> records = reader.fetch();
            while (records.nextSplit() != null) {
                QueueElement element;
                while ((element = records.nextRecordFromSplit()) != null) {
                    if (element instanceof QueueElement.Message) {
                        read++;
                    }
                }
            }
            records.recycle();
        }
    }

    private static RocketMqSourceSettings settings(String nameServer, String topic, String group) {
        return RocketMqSource.<String>builder()
                .setNameServerAddress(nameServer)
                .setTopic(topic)
                .setConsumerGroup(group)
                .setPollTimeout(Duration.ofMillis(200))
                .setDeserializer(new Utf8BodyDeserializationSchema())
                .build()
                .settings();
    }

    private static RocketMqReaderMetrics metricsOf(MetricGroup group) {
        return new RocketMqReaderMetrics(InternalSourceReaderMetricGroup.mock(group));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Keeps the counters registered on it (and on its subgroups) by name. */
    private static final class RecordingMetricGroup extends UnregisteredMetricsGroup {

        private final Map<String, Counter> counters = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return this;
        }

        long count(String name) {
            Counter counter = counters.get(name);
            assertThat(counter).as("counter %s registered", name).isNotNull();
            return counter.getCount();
        }
    }
}
