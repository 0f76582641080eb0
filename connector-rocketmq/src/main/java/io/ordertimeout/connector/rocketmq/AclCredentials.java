package io.ordertimeout.connector.rocketmq;

import java.io.Serializable;
import java.util.Objects;

import org.apache.flink.annotation.Internal;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;

/** Access key and secret key of a RocketMQ ACL account. The secret never appears in {@link #toString()}. */
@Internal
public final class AclCredentials implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String accessKey;
    private final String secretKey;

    public AclCredentials(String accessKey, String secretKey) {
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("ACL access key must not be empty");
        }
        if (secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("ACL secret key must not be empty");
        }
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public String accessKey() {
        return accessKey;
    }

    /** Signs every request with these credentials (rocketmq-client's own ACL hook). */
    public RPCHook toRpcHook() {
        return new AclClientRPCHook(new SessionCredentials(accessKey, secretKey));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AclCredentials other && accessKey.equals(other.accessKey) && secretKey.equals(other.secretKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessKey, secretKey);
    }

    @Override
    public String toString() {
        return "AclCredentials{accessKey=" + accessKey + ", secretKey=******}";
    }
}
