package io.ordertimeout.connector.rocketmq.testframe;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.RocketMqSourceBuilder;
import io.ordertimeout.connector.rocketmq.source.StartingOffsets;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

/**
 * One test case's topic on the real broker. A split is a queue: every split data writer the suite
 * asks for adds one queue to the topic and writes to it, so "4 splits" are the topic's 4 queues.
 */
final class RocketMqSourceExternalContext implements DataStreamSourceExternalContext<String> {

    private final EmbeddedRocketMq rocketMq;
    private final String topic;
    private final String consumerGroup;
    private final AtomicInteger queues = new AtomicInteger();

    RocketMqSourceExternalContext(EmbeddedRocketMq rocketMq) {
        this.rocketMq = rocketMq;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.topic = "suite-source-" + id;
        this.consumerGroup = "suite-source-group-" + id;
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings sourceSettings) {
        RocketMqSourceBuilder<String> builder = RocketMqSource.<String>builder()
                .setNameServerAddress(rocketMq.nameServerAddress())
                .setTopic(topic)
                .setConsumerGroup(consumerGroup)
                .setStartingOffsets(StartingOffsets.earliest())
                .setQueueDiscoveryInterval(Duration.ofSeconds(1))
                .setDeserializer(new Utf8BodyDeserializationSchema());
        if (sourceSettings.getBoundedness() == Boundedness.BOUNDED) {
            builder.setBounded();
        }
        return builder.build();
    }

    @Override
    public synchronized ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(
            TestingSourceSettings sourceSettings) {
        int queueId = queues.getAndIncrement();
        rocketMq.updateTopicQueues(topic, queueId + 1);
        return new QueueWriter(queueId);
    }

    @Override
    public List<String> generateTestData(TestingSourceSettings sourceSettings, int splitIndex, long seed) {
        return TestData.records("split-" + splitIndex, seed);
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        // The MiniCluster runs in this JVM, on the test class path.
        return List.of();
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "RocketMQ topic (one queue per split)";
    }

    /** Writes one split's records to its queue, in order. */
    private final class QueueWriter implements ExternalSystemSplitDataWriter<String> {
        private final int queueId;

        QueueWriter(int queueId) {
            this.queueId = queueId;
        }

        @Override
        public void writeRecords(List<String> records) {
            rocketMq.sendStrings(topic, queueId, records);
        }

        @Override
        public void close() {}
    }
}
