package io.ordertimeout.connector.rocketmq.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RocketMqSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

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
    void everyRecordWrittenWithCheckpointingIsReadableFromTheTopic() throws Exception {
        String topic = "sink-out";
        rocketMq.createTopic(topic, 4);
        int records = 2000;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSequence(0, records - 1)
                .map(i -> "record-" + i)
                .sinkTo(RocketMqSink.<String>builder()
                        .setNameServerAddress(rocketMq.nameServerAddress())
                        .setProducerGroup("sink-test-producer")
                        .setSerializationSchema(new KeyedStringMessages(topic))
                        .build());
        env.execute("rocketmq-sink");

        Map<String, MessageExt> read = readAll(topic, records);
        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, records).mapToObj(i -> "record-" + i).collect(Collectors.toList()));
        MessageExt one = read.get("record-7");
        assertThat(one.getTags()).isEqualTo("TEST");
        assertThat(one.getKeys()).isEqualTo("key-record-7");
    }

    private static Map<String, MessageExt> readAll(String topic, int expected) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("sink-test-reader");
        consumer.setNamesrvAddr(rocketMq.nameServerAddress());
        consumer.setInstanceName("sink-test-reader");
        consumer.setAutoCommit(false);
        consumer.start();
        try {
            List<MessageQueue> queues = rocketMq.messageQueues(topic);
            consumer.assign(queues);
            for (MessageQueue queue : queues) {
                consumer.seek(queue, 0);
            }
            Map<String, MessageExt> read = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < expected && System.nanoTime() < deadline) {
                for (MessageExt message : consumer.poll(200)) {
                    read.put(new String(message.getBody(), StandardCharsets.UTF_8), message);
                }
            }
            return read;
        } finally {
            consumer.shutdown();
        }
    }

    static final class KeyedStringMessages implements RocketMqSerializationSchema<String> {
        private final String topic;

        KeyedStringMessages(String topic) {
            this.topic = topic;
        }

        @Override
        public Message serialize(String element) {
            return new Message(topic, "TEST", "key-" + element, element.getBytes(StandardCharsets.UTF_8));
        }
    }
}
