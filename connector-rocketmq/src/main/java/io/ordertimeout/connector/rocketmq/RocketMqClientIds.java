package io.ordertimeout.connector.rocketmq;

import java.util.UUID;

import org.apache.flink.annotation.Internal;

/** Builds client instance names. */
@Internal
public final class RocketMqClientIds {

    private RocketMqClientIds() {}

    /**
     * A unique instance name. rocketmq-client shares one connection pool and one registration per
     * "ip@instanceName" in a JVM and rejects a second consumer of the same group in it; Flink runs
     * several subtasks (and, in tests, several jobs) in one JVM, so every client gets its own name.
     */
    public static String uniqueInstanceName(String role) {
        return "flink-" + role + "-" + UUID.randomUUID();
    }
}
