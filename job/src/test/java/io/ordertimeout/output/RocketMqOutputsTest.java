package io.ordertimeout.output;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.InvalidSettingException;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The optional RocketMQ outputs are validated at submission, not at the first message. */
class RocketMqOutputsTest {

    @Test
    void validOutputTopicsAreAccepted() {
        assertThatCode(() -> RocketMqOutputs.from(Configuration.fromMap(Map.of(
                        "order-timeout.output.closed-topic", "order-closed",
                        "order-timeout.output.refund-topic", "refund_requests",
                        "order-timeout.output.dead-letter-topic", "order-events-DLQ")), Map.of()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "order-timeout.output.closed-topic      | order closed     | not a valid RocketMQ topic",
        "order-timeout.output.refund-topic      | refunds/eu       | not a valid RocketMQ topic",
        "order-timeout.output.dead-letter-topic | order-events     | is the topic the job reads",
        "order-timeout.output.dead-letter-topic | SCHEDULE_TOPIC_XXXX | system topic",
    })
    void aWrongOutputTopicStopsTheSubmissionNamingTheOption(String key, String topic, String problem) {
        assertThatThrownBy(() -> RocketMqOutputs.from(Configuration.fromMap(Map.of(key, topic)), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid setting " + key + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void anAccessKeyWithoutSecretStopsTheSubmissionWhenAnOutputIsOn() {
        assertThatThrownBy(() -> RocketMqOutputs.from(Configuration.fromMap(Map.of(
                        "order-timeout.output.closed-topic", "order-closed",
                        "order-timeout.rocketmq.access-key", "job")), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid setting order-timeout.rocketmq.secret-key");
    }
}
