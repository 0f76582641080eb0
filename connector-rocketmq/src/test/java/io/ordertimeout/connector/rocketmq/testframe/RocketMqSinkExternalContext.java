package io.ordertimeout.connector.rocketmq.testframe;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.ordertimeout.connector.rocketmq.RocketMqClientIds;
import io.ordertimeout.connector.rocketmq.sink.RocketMqSink;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** One test case's sink topic (4 queues) on the real broker, read back from its first message. */
final class RocketMqSinkExternalContext implements DataStreamSinkV2ExternalContext<String> {

    private static final int QUEUES = 4;

    private final EmbeddedRocketMq rocketMq;
    private final String topic;
    private final String producerGroup;
    private final List<DefaultLitePullConsumer> readers = new ArrayList<>();

    RocketMqSinkExternalContext(EmbeddedRocketMq rocketMq) {
        this.rocketMq = rocketMq;
        String id = UUID.randomUUID().toString().substring(0, 8);
        this.topic = "suite-sink-" + id;
        this.producerGroup = "suite-sink-producer-" + id;
        rocketMq.createTopic(topic, QUEUES);
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings sinkSettings) {
        String sinkTopic = topic;
        return RocketMqSink.<String>builder()
                .setNameServerAddress(rocketMq.nameServerAddress())
                .setProducerGroup(producerGroup)
                .setSerializationSchema(element -> new Message(sinkTopic, element.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** Every message of the topic from the start of each queue, in a fresh consumer. */
    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings sinkSettings) {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("suite-sink-reader-"
                + UUID.randomUUID().toString().substring(0, 8));
        consumer.setNamesrvAddr(rocketMq.nameServerAddress());
        consumer.setInstanceName(RocketMqClientIds.uniqueInstanceName("suite-sink-reader"));
        consumer.setAutoCommit(false);
        try {
            consumer.start();
            List<MessageQueue> queues = rocketMq.messageQueues(topic);
            // Positions each queue at 0 before its pull task starts (see RocketMqSplitReader).
            for (MessageQueue queue : queues) {
                consumer.getOffsetStore().updateOffset(queue, 0, false);
            }
            consumer.assign(queues);
        } catch (MQClientException e) {
            throw new IllegalStateException("Cannot start a reader of " + topic, e);
        }
        synchronized (readers) {
            readers.add(consumer);
        }
        return new ExternalSystemDataReader<>() {
            @Override
            public List<String> poll(Duration timeout) {
                List<String> bodies = new ArrayList<>();
                for (MessageExt message : consumer.poll(timeout.toMillis())) {
                    bodies.add(new String(message.getBody(), StandardCharsets.UTF_8));
                }
                return bodies;
            }

            @Override
            public void close() {
                consumer.shutdown();
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings sinkSettings, long seed) {
        return TestData.records("sink", seed);
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    /** The suites do not close the readers they create; their consumers are shut down here. */
    @Override
    public void close() {
        synchronized (readers) {
            readers.forEach(DefaultLitePullConsumer::shutdown);
            readers.clear();
        }
    }

    @Override
    public String toString() {
        return "RocketMQ topic with " + QUEUES + " queues";
    }
}
