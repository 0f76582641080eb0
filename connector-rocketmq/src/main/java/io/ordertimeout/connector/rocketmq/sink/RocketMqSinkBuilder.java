package io.ordertimeout.connector.rocketmq.sink;

import java.time.Duration;

import io.ordertimeout.connector.rocketmq.AclCredentials;
import org.apache.flink.annotation.PublicEvolving;

/** Builds a {@link RocketMqSink}; name server, producer group and serialization schema are required. */
@PublicEvolving
public final class RocketMqSinkBuilder<T> {

    private String nameServerAddress;
    private String producerGroup;
    private AclCredentials aclCredentials;
    private RocketMqSerializationSchema<T> serializer;
    private Duration sendTimeout = Duration.ofSeconds(3);
    private int maxInFlightMessages = 1000;

    RocketMqSinkBuilder() {}

    public RocketMqSinkBuilder<T> setNameServerAddress(String nameServerAddress) {
        this.nameServerAddress = nameServerAddress;
        return this;
    }

    public RocketMqSinkBuilder<T> setProducerGroup(String producerGroup) {
        this.producerGroup = producerGroup;
        return this;
    }

    public RocketMqSinkBuilder<T> setAclCredentials(String accessKey, String secretKey) {
        this.aclCredentials = new AclCredentials(accessKey, secretKey);
        return this;
    }

    public RocketMqSinkBuilder<T> setSerializationSchema(RocketMqSerializationSchema<T> serializer) {
        this.serializer = serializer;
        return this;
    }

    /** Timeout of one send including the client's retries; default 3 s. */
    public RocketMqSinkBuilder<T> setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
        return this;
    }

    /** Unacknowledged sends per writer before write() blocks; default 1000. */
    public RocketMqSinkBuilder<T> setMaxInFlightMessages(int maxInFlightMessages) {
        this.maxInFlightMessages = maxInFlightMessages;
        return this;
    }

    public RocketMqSink<T> build() {
        require(nameServerAddress != null && !nameServerAddress.isBlank(), "nameServerAddress must be set");
        require(producerGroup != null && !producerGroup.isBlank(), "producerGroup must be set");
        require(serializer != null, "serializationSchema must be set");
        require(sendTimeout != null && !sendTimeout.isNegative() && !sendTimeout.isZero(),
                "sendTimeout must be positive, got " + sendTimeout);
        require(maxInFlightMessages > 0, "maxInFlightMessages must be positive, got " + maxInFlightMessages);
        return new RocketMqSink<>(new RocketMqSinkSettings(nameServerAddress, producerGroup, aclCredentials,
                sendTimeout.toMillis(), maxInFlightMessages), serializer);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("RocketMqSink: " + message);
        }
    }
}
