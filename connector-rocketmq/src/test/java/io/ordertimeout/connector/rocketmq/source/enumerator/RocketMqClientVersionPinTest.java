package io.ordertimeout.connector.rocketmq.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.common.MQVersion;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueMetadataClient} calls rocketmq-client internals ({@code org.apache.rocketmq.client.impl})
 * whose signatures and behaviour (e.g. "not found" for a group that never committed) are not
 * promised across client releases. This test fails on any other client version so that an upgrade
 * is a deliberate step: re-check those calls, then change the pinned version here.
 */
class RocketMqClientVersionPinTest {

    private static final String PINNED = "5.3.3";
    private static final String RECHECK = "rocketmq-client is no longer " + PINNED + ": re-check the internal calls of "
            + "QueueMetadataClient (MQClientInstance, MQAdminImpl, MQClientAPIImpl.queryConsumerOffset/"
            + "updateConsumerOffset, findBrokerAddressInSubscribe) and the offset-store priming in "
            + "RocketMqSplitReader against the new client, then update the pinned version";

    @Test
    void theClientJarIsThePinnedVersion() {
        assertThat(MQClientInstance.class.getPackage().getImplementationVersion()).as(RECHECK).isEqualTo(PINNED);
    }

    @Test
    void theClientSpeaksThePinnedProtocolVersion() {
        assertThat(MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)).as(RECHECK)
                .isEqualTo("V" + PINNED.replace('.', '_'));
    }
}
