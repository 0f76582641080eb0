package io.ordertimeout.connector.rocketmq.testframe;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Apache Flink's own source test suite (single split, multiple splits, savepoint, scale up and
 * down, metrics, idle reader, TaskManager failure) against a real RocketMQ broker. Exactly-once
 * only: the source's positions are part of Flink's checkpoints, and at-least-once would run every
 * case a second time to check a weaker promise.
 */
class RocketMqSourceSuiteTest extends SourceTestSuiteBase<String> {

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem
    EmbeddedRocketMqResource rocketMq = new EmbeddedRocketMqResource();

    @TestSemantics
    CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE};

    @TestContext
    ExternalContextFactory<RocketMqSourceExternalContext> topic =
            testName -> new RocketMqSourceExternalContext(rocketMq.rocketMq());
}
