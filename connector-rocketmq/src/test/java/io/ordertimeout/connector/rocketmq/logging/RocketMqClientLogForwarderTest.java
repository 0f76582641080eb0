package io.ordertimeout.connector.rocketmq.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.logging.ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

/** Which client log events change level on their way to Flink's log. */
class RocketMqClientLogForwarderTest {

    @Test
    void aFailedPullOfTheLitePullConsumerIsAWarning() {
        assertThat(RocketMqClientLogForwarder.levelFor(RocketMqClientLogForwarder.LITE_PULL_CONSUMER,
                Level.ERROR_INT, RocketMqClientLogForwarder.FAILED_PULL)).isEqualTo(Level.WARN_INT);
    }

    @Test
    void aFailedRouteUpdateIsAWarning() {
        assertThat(RocketMqClientLogForwarder.levelFor(RocketMqClientLogForwarder.CLIENT_INSTANCE,
                Level.ERROR_INT, RocketMqClientLogForwarder.FAILED_ROUTE_UPDATE)).isEqualTo(Level.WARN_INT);
    }

    @Test
    void otherErrorsStayErrors() {
        assertThat(RocketMqClientLogForwarder.levelFor(RocketMqClientLogForwarder.LITE_PULL_CONSUMER,
                Level.ERROR_INT, "Something else failed")).isEqualTo(Level.ERROR_INT);
        assertThat(RocketMqClientLogForwarder.levelFor("org.apache.rocketmq.client.impl.MQClientAPIImpl",
                Level.ERROR_INT, RocketMqClientLogForwarder.FAILED_PULL)).isEqualTo(Level.ERROR_INT);
        assertThat(RocketMqClientLogForwarder.levelFor(RocketMqClientLogForwarder.CLIENT_INSTANCE,
                Level.ERROR_INT, "Something else failed")).isEqualTo(Level.ERROR_INT);
        assertThat(RocketMqClientLogForwarder.levelFor(RocketMqClientLogForwarder.LITE_PULL_CONSUMER,
                Level.INFO_INT, "the consumer [group] shutdown OK")).isEqualTo(Level.INFO_INT);
    }
}
