package io.ordertimeout.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.core.CloseCommand;
import io.ordertimeout.sink.CloseOutcome;
import io.ordertimeout.sink.CloseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The optional RocketMQ outputs: validated at submission, not at the first message, and (DESIGN.md
 * §6) an OrderClosed event only for a close the database applied.
 */
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

    @Test
    void onlyAppliedClosesAreAnnounced() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<String> announced = new ArrayList<>();

        try (CloseableIterator<CloseCommand> closes = RocketMqOutputs.appliedCloses(env.fromData(
                new CloseResult(new CloseCommand("o-applied", 1_000, 2_000), CloseOutcome.APPLIED),
                new CloseResult(new CloseCommand("o-paid-meanwhile", 1_000, 2_000), CloseOutcome.NOT_PENDING),
                new CloseResult(new CloseCommand("o-replayed", 1_000, 2_000), CloseOutcome.APPLIED)))
                .executeAndCollect()) {
            closes.forEachRemaining(close -> announced.add(close.orderId));
        }

        assertThat(announced).containsExactly("o-applied", "o-replayed");
    }
}
