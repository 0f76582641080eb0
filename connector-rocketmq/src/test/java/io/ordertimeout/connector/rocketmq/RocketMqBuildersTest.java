package io.ordertimeout.connector.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.connector.rocketmq.sink.RocketMqSink;
import io.ordertimeout.connector.rocketmq.source.RocketMqSource;
import io.ordertimeout.connector.rocketmq.source.reader.deserializer.Utf8BodyDeserializationSchema;
import org.apache.flink.api.connector.source.Boundedness;
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

    @Test
    void sourcePrefetchLimitsDefaultBelowTheClientsHundredMebibytesAndAreValidated() {
        RocketMqSource<String> defaults = minimalSource().build();
        assertThat(defaults.settings().prefetchMessagesPerQueue()).isEqualTo(1000);
        assertThat(defaults.settings().prefetchMebibytesPerQueue()).isEqualTo(16);

        RocketMqSource<String> tight = minimalSource().setPrefetchLimitsPerQueue(32, 2).build();
        assertThat(tight.settings().prefetchMessagesPerQueue()).isEqualTo(32);
        assertThat(tight.settings().prefetchMebibytesPerQueue()).isEqualTo(2);

        assertThatThrownBy(() -> minimalSource().setPrefetchLimitsPerQueue(0, 2).build())
                .hasMessageContaining("prefetch messages");
        assertThatThrownBy(() -> minimalSource().setPrefetchLimitsPerQueue(32, 0).build())
                .hasMessageContaining("prefetch MiB");
    }

    @Test
    void removedQueueGracePeriodDefaultsToFiveMinutesAndIsValidated() {
        assertThat(minimalSource().build().settings().removedQueueGracePeriodMillis()).isEqualTo(300_000);
        assertThat(minimalSource().setRemovedQueueGracePeriod(java.time.Duration.ofSeconds(30)).build().settings()
                .removedQueueGracePeriodMillis()).isEqualTo(30_000);
        assertThatThrownBy(() -> minimalSource().setRemovedQueueGracePeriod(java.time.Duration.ofMillis(-1)).build())
                .hasMessageContaining("removedQueueGracePeriod");
        assertThatThrownBy(() -> minimalSource().setRemovedQueueGracePeriod(null).build())
                .hasMessageContaining("removedQueueGracePeriod");
    }

    @Test
    void sourceIsUnboundedUnlessAskedToStopAtTheEndFoundAtStart() {
        assertThat(minimalSource().build().getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(minimalSource().setBounded().build().getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    }

    private static io.ordertimeout.connector.rocketmq.source.RocketMqSourceBuilder<String> minimalSource() {
        return RocketMqSource.<String>builder()
                .setNameServerAddress("127.0.0.1:9876")
                .setTopic("t")
                .setConsumerGroup("g")
                .setDeserializer(new Utf8BodyDeserializationSchema());
    }
}
