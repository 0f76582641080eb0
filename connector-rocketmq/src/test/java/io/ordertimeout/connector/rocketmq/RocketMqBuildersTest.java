package io.ordertimeout.connector.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.connector.rocketmq.sink.RocketMqSink;
import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;

class RocketMqBuildersTest {

    @Test
    void sourceNamesTheMissingOption() {
        assertThatThrownBy(() -> RocketMqSource.<String>builder()
                .setNameServerAddress("127.0.0.1:9876")
                .setTopic("t")
                .setDeserializer(new Utf8BodyDeserializationSchema())
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumerGroup");
        assertThatThrownBy(() -> RocketMqSource.<String>builder()
                .setTopic("t").setConsumerGroup("g").setDeserializer(new Utf8BodyDeserializationSchema()).build())
                .hasMessageContaining("nameServerAddress");
    }

    @Test
    void sinkNamesTheMissingOption() {
        assertThatThrownBy(() -> RocketMqSink.<String>builder()
                .setNameServerAddress("127.0.0.1:9876")
                .setSerializationSchema(s -> new Message("t", s.getBytes()))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producerGroup");
    }

    @Test
    void neverShowsTheSecretKey() {
        RocketMqSource<String> source = RocketMqSource.<String>builder()
                .setNameServerAddress("127.0.0.1:9876")
                .setTopic("t")
                .setConsumerGroup("g")
                .setAclCredentials("ak", "very-secret")
                .setDeserializer(new Utf8BodyDeserializationSchema())
                .build();
        RocketMqSink<String> sink = RocketMqSink.<String>builder()
                .setNameServerAddress("127.0.0.1:9876")
                .setProducerGroup("p")
                .setAclCredentials("ak", "very-secret")
                .setSerializationSchema(s -> new Message("t", s.getBytes()))
                .build();

        assertThat(source.toString()).contains("ak").doesNotContain("very-secret");
        assertThat(sink.toString()).contains("ak").doesNotContain("very-secret");
    }
}
