package io.ordertimeout.bench;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.time.Duration;

/** What every contender of one live run shares: servers, the topic, the timing settings. */
record LiveSetup(
        EmbeddedRocketMq rocketMq,
        BenchPostgres database,
        String topic,
        Duration payTimeout,
        Duration outOfOrderness,
        Duration idleTimeout,
        Duration scanInterval,
        int parallelism) {
}
