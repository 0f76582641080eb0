package io.ordertimeout.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.event.OrderEventParser;
import io.ordertimeout.event.OrderMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

/** The clock-skew clamp of DESIGN.md §4 and the caught-up heartbeat, at the parser boundary. */
class OrderMessageDeserializerTest {

    private static final long SKEW = 60_000;
    private static final long STORED = 1_800_000_000_000L;

    private final OrderMessageDeserializer deserializer = new OrderMessageDeserializer(new OrderEventParser(), SKEW);

    @Test
    void eventDatedBeyondStoreTimePlusSkewIsClampedAndCounted() {
        OrderMessage message = deserialize(created(4_102_444_800_000L)); // 2100-01-01

        assertThat(message.event.occurredAt).isEqualTo(STORED + SKEW);
        assertThat(message.brokerStoreTime).isEqualTo(STORED);
        assertThat(deserializer.clampedCount()).isEqualTo(1);
    }

    @Test
    void eventWithinTheSkewKeepsItsTime() {
        OrderMessage ahead = deserialize(created(STORED + SKEW));
        OrderMessage past = deserialize(created(STORED - 3_600_000));

        assertThat(ahead.event.occurredAt).isEqualTo(STORED + SKEW);
        assertThat(past.event.occurredAt).isEqualTo(STORED - 3_600_000);
        assertThat(past.brokerStoreTime).isEqualTo(STORED);
        assertThat(deserializer.clampedCount()).isZero();
    }

    @Test
    void deadLetterIsNotClamped() {
        OrderMessage message = deserialize("{\"type\":\"ORDER_CREATED\"}");

        assertThat(message.isValid()).isFalse();
        assertThat(message.deadLetters[0].sourcePosition).isEqualTo("orders/broker-a/2/17");
        assertThat(deserializer.clampedCount()).isZero();
    }

    @Test
    void caughtUpBecomesAHeartbeat() {
        List<OrderMessage> out = new ArrayList<>();
        deserializer.caughtUp(12_345, collector(out));

        assertThat(out).singleElement().satisfies(heartbeat -> {
            assertThat(heartbeat.isHeartbeat()).isTrue();
            assertThat(heartbeat.isValid()).isFalse();
            assertThat(heartbeat.caughtUpAsOf).isEqualTo(12_345L);
        });
    }

    private OrderMessage deserialize(String body) {
        MessageExt message = new MessageExt();
        message.setTopic("orders");
        message.setBrokerName("broker-a");
        message.setQueueId(2);
        message.setQueueOffset(17);
        message.setStoreTimestamp(STORED);
        message.setBody(body.getBytes(StandardCharsets.UTF_8));
        List<OrderMessage> out = new ArrayList<>();
        deserializer.deserialize(message, collector(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static String created(long occurredAt) {
        return "{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":" + occurredAt + "}";
    }

    private static Collector<OrderMessage> collector(List<OrderMessage> out) {
        return new Collector<>() {
            @Override
            public void collect(OrderMessage record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
