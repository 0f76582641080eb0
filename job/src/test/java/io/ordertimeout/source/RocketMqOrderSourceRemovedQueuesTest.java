package io.ordertimeout.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.config.OrderTimeoutOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The job's option for queues removed from the topic reaches the connector and is validated. */
class RocketMqOrderSourceRemovedQueuesTest {

    @Test
    void theGracePeriodDefaultsToFiveMinutesAndCanBeSet() {
        assertThat(RocketMqOrderSource.from(new Configuration(), Map.of()).settings().removedQueueGracePeriodMillis())
                .isEqualTo(300_000);

        Configuration config = new Configuration();
        config.setString("order-timeout.rocketmq.removed-queue-grace-period", "90 s");
        assertThat(RocketMqOrderSource.from(config, Map.of()).settings().removedQueueGracePeriodMillis())
                .isEqualTo(90_000);
    }

    @Test
    void aNegativeGracePeriodIsRejectedNamingTheOption() {
        // Flink's duration syntax has no sign; a negative value can only be set programmatically.
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.ROCKETMQ_REMOVED_QUEUE_GRACE_PERIOD, Duration.ofSeconds(-1));
        assertThatThrownBy(() -> RocketMqOrderSource.from(config, Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid setting order-timeout.rocketmq.removed-queue-grace-period");
    }
}
