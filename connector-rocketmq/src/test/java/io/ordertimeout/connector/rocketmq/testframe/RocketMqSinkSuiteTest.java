package io.ordertimeout.connector.rocketmq.testframe;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Apache Flink's own sink test suite (basic sink, savepoint, scale up and down, metrics) against a
 * real RocketMQ broker. At-least-once only: that is the sink's guarantee (RocketMQ has no
 * transactions a Sink V2 committer could use for exactly-once across a restart).
 */
class RocketMqSinkSuiteTest extends SinkTestSuiteBase<String> {

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem
    EmbeddedRocketMqResource rocketMq = new EmbeddedRocketMqResource();

    @TestSemantics
    CheckpointingMode[] semantics = {CheckpointingMode.AT_LEAST_ONCE};

    @TestContext
    ExternalContextFactory<RocketMqSinkExternalContext> topic =
            testName -> new RocketMqSinkExternalContext(rocketMq.rocketMq());
}
