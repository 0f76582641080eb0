package io.ordertimeout.connector.rocketmq.sink;

import java.io.Serializable;
import java.util.Optional;

import io.ordertimeout.connector.rocketmq.AclCredentials;
import org.apache.flink.annotation.Internal;

/** The validated options of a {@link RocketMqSink}; built by {@link RocketMqSinkBuilder}. */
@Internal
public final class RocketMqSinkSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String nameServerAddress;
    private final String producerGroup;
    private final AclCredentials aclCredentials;
    private final long sendTimeoutMillis;
    private final int maxInFlightMessages;

    RocketMqSinkSettings(String nameServerAddress, String producerGroup, AclCredentials aclCredentials,
            long sendTimeoutMillis, int maxInFlightMessages) {
        this.nameServerAddress = nameServerAddress;
        this.producerGroup = producerGroup;
        this.aclCredentials = aclCredentials;
        this.sendTimeoutMillis = sendTimeoutMillis;
        this.maxInFlightMessages = maxInFlightMessages;
    }

    public String nameServerAddress() {
        return nameServerAddress;
    }

    public String producerGroup() {
        return producerGroup;
    }

    public Optional<AclCredentials> aclCredentials() {
        return Optional.ofNullable(aclCredentials);
    }

    public long sendTimeoutMillis() {
        return sendTimeoutMillis;
    }

    public int maxInFlightMessages() {
        return maxInFlightMessages;
    }

    @Override
    public String toString() {
        return "RocketMqSinkSettings{nameServerAddress=" + nameServerAddress + ", producerGroup=" + producerGroup
                + ", acl=" + aclCredentials + ", sendTimeoutMillis=" + sendTimeoutMillis
                + ", maxInFlightMessages=" + maxInFlightMessages + '}';
    }
}
