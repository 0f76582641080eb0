package io.ordertimeout.connector.rocketmq.testframe;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import org.apache.flink.connector.testframe.TestResource;

/**
 * The testkit's real RocketMQ name server and broker as the "external system" of Flink's connector
 * testing framework, which starts it once per test class and stops it after the last case.
 */
final class EmbeddedRocketMqResource implements TestResource {

    private EmbeddedRocketMq rocketMq;

    @Override
    public void startUp() {
        if (rocketMq == null) {
            rocketMq = EmbeddedRocketMq.start();
        }
    }

    @Override
    public void tearDown() {
        if (rocketMq != null) {
            rocketMq.close();
            rocketMq = null;
        }
    }

    EmbeddedRocketMq rocketMq() {
        if (rocketMq == null) {
            throw new IllegalStateException("The embedded RocketMQ is not started");
        }
        return rocketMq;
    }

    @Override
    public String toString() {
        return "EmbeddedRocketMq";
    }
}
