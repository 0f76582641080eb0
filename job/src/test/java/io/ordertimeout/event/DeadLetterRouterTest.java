package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** An event with dropped fields goes on to the state machine and each dropped field is a dead letter. */
class DeadLetterRouterTest {

    private final OrderEventParser parser = new OrderEventParser();

    private OrderMessage parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "t/b/0/9", 1L);
    }

    @Test
    void routesEventsAndEveryDeadLetter() throws Exception {
        try (OneInputStreamOperatorTestHarness<OrderMessage, OrderEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DeadLetterRouter()))) {
            harness.open();

            harness.processElement(new StreamRecord<>(parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\","
                    + "\"occurredAt\":1764151200000,\"paymentId\":\"p-1\"}"), 1L));
            harness.processElement(new StreamRecord<>(parse("{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-2\","
                    + "\"occurredAt\":1764151200000,\"userId\":\"" + "u".repeat(100) + "\",\"currency\":\"EURO\"}"), 2L));
            harness.processElement(new StreamRecord<>(parse("{\"type\":\"ORDER_CREATED\"}"), 3L));

            assertThat(harness.extractOutputValues()).extracting(event -> event.orderId).containsExactly("o-1", "o-2");
            assertThat(harness.getSideOutput(DeadLetterRouter.DEAD_LETTERS)).extracting(record -> record.getValue().reason)
                    .containsExactly(
                            "field userId dropped: longer than 64 characters (100)",
                            "field currency dropped: longer than 3 characters (4)",
                            "missing orderId");
        }
    }
}
