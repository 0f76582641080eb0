package io.ordertimeout.connector.rocketmq.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

class QueueEndProberTest {

    private static final MessageQueue Q0 = new MessageQueue("t", "b", 0);
    private static final MessageQueue Q1 = new MessageQueue("t", "b", 1);

    private long now = 1_000;
    private final List<MessageQueue> asked = new ArrayList<>();
    private boolean brokerDown;

    private final QueueEndProber prober = new QueueEndProber(queue -> {
        asked.add(queue);
        if (brokerDown) {
            throw new IllegalStateException("connect timeout");
        }
        now += 3; // the request takes a while: the probe time is taken before it
        return 40 + queue.getQueueId();
    }, 500, () -> now);

    @Test
    void probesEachQuietQueueAtMostOncePerIntervalWithTheTimeBeforeTheRequest() {
        Map<MessageQueue, QueueElement.EndProbe> first = prober.probe(List.of(Q0, Q1));
        assertThat(first.get(Q0)).isEqualTo(new QueueElement.EndProbe(40, 1_000));
        assertThat(first.get(Q1)).isEqualTo(new QueueElement.EndProbe(41, 1_003));

        now += 200;
        assertThat(prober.probe(List.of(Q0, Q1))).isEmpty();

        now += 300;
        assertThat(prober.probe(List.of(Q0))).containsOnlyKeys(Q0);
        assertThat(asked).containsExactly(Q0, Q1, Q0);
    }

    @Test
    void failedRequestYieldsNoProbeAndPausesProbing() {
        brokerDown = true;
        assertThat(prober.probe(List.of(Q0, Q1))).isEmpty();
        assertThat(asked).containsExactly(Q0);

        brokerDown = false;
        now += QueueEndProber.PAUSE_AFTER_FAILURE_MILLIS - 1;
        assertThat(prober.probe(List.of(Q0, Q1))).isEmpty();
        now += 1;
        assertThat(prober.probe(List.of(Q0, Q1))).containsOnlyKeys(Q0, Q1);
    }
}
