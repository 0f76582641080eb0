package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The event contract of DESIGN.md §2: valid events parse, everything else becomes a dead letter. */
class OrderEventParserTest {

    private static final String POSITION = "order-events/broker-a/3/1042";
    private static final long NOW = 1_764_151_200_000L;

    private final OrderEventParser parser = new OrderEventParser();

    private OrderMessage parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), POSITION, NOW);
    }

    @Test
    void createdWithAllFieldsAndIsoTime() {
        OrderMessage message = parse("{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"eventId\":\"e-1\","
                + "\"occurredAt\":\"2026-11-26T10:00:00.250Z\",\"payTimeoutSeconds\":900,\"userId\":\"u-7\","
                + "\"amountCents\":1299,\"currency\":\"EUR\"}");

        assertThat(message.isValid()).isTrue();
        OrderEvent event = message.event;
        assertThat(event.type).isEqualTo(OrderEventType.ORDER_CREATED);
        assertThat(event.orderId).isEqualTo("o-1");
        assertThat(event.eventId).isEqualTo("e-1");
        assertThat(event.occurredAt).isEqualTo(Instant.parse("2026-11-26T10:00:00.250Z").toEpochMilli());
        assertThat(event.payTimeoutSeconds).isEqualTo(900);
        assertThat(event.userId).isEqualTo("u-7");
        assertThat(event.amountCents).isEqualTo(1299L);
        assertThat(event.currency).isEqualTo("EUR");
    }

    @Test
    void paidWithEpochMillisAndUnknownFieldsIgnored() {
        OrderMessage message = parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,"
                + "\"paymentId\":\"p-9\",\"futureField\":{\"nested\":[1,2]}}");

        assertThat(message.isValid()).isTrue();
        assertThat(message.event.type).isEqualTo(OrderEventType.ORDER_PAID);
        assertThat(message.event.occurredAt).isEqualTo(1764151200000L);
        assertThat(message.event.paymentId).isEqualTo("p-9");
    }

    @Test
    void isoTimeWithOffsetIsAccepted() {
        OrderMessage message = parse("{\"type\":\"ORDER_CANCELLED\",\"orderId\":\"o-1\","
                + "\"occurredAt\":\"2026-11-26T11:00:00+01:00\"}");

        assertThat(message.event.occurredAt).isEqualTo(Instant.parse("2026-11-26T10:00:00Z").toEpochMilli());
    }

    @Test
    void orderIdOfExactly64CharactersIsValid() {
        String orderId = "x".repeat(64);
        assertThat(parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + orderId + "\",\"occurredAt\":1}").isValid()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                 | {\"type\":                                                           | malformed JSON",
        "JSON array               | [1,2]                                                               | not a JSON object",
        "trailing garbage         | {\"type\":\"ORDER_PAID\",\"orderId\":\"o\",\"occurredAt\":1} x       | malformed JSON",
        "missing type             | {\"orderId\":\"o-1\",\"occurredAt\":1}                              | missing type",
        "unknown type             | {\"type\":\"ORDER_SHIPPED\",\"orderId\":\"o-1\",\"occurredAt\":1}   | unknown type 'ORDER_SHIPPED'",
        "missing orderId          | {\"type\":\"ORDER_PAID\",\"occurredAt\":1}                          | missing orderId",
        "blank orderId            | {\"type\":\"ORDER_PAID\",\"orderId\":\"  \",\"occurredAt\":1}       | orderId is blank",
        "numeric orderId          | {\"type\":\"ORDER_PAID\",\"orderId\":42,\"occurredAt\":1}           | orderId must be a string",
        "missing occurredAt       | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\"}                       | missing occurredAt",
        "bad timestamp            | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":\"yesterday\"} | is not an ISO-8601 instant",
        "negative timestamp       | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":-5}     | occurredAt is negative",
        "fractional timestamp     | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":1.5}    | occurredAt must be",
        "timeout zero             | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1,\"payTimeoutSeconds\":0}      | out of range 1..604800",
        "timeout over a week      | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1,\"payTimeoutSeconds\":604801} | out of range 1..604800",
        "timeout not a number     | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1,\"payTimeoutSeconds\":\"60\"} | payTimeoutSeconds must be an integer",
        "amount not a number      | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1,\"amountCents\":\"12\"}       | amountCents must be an integer",
    })
    void invalidInputBecomesADeadLetterWithAReason(String caseName, String json, String reason) {
        OrderMessage message = parse(json);

        assertThat(message.isValid()).as(caseName).isFalse();
        assertThat(message.deadLetter.reason).contains(reason);
        assertThat(message.deadLetter.sourcePosition).isEqualTo(POSITION);
        assertThat(message.deadLetter.rejectedAt).isEqualTo(NOW);
        assertThat(message.deadLetter.payload).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void overLongOrderIdIsRejected() {
        OrderMessage message = parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + "x".repeat(65) + "\",\"occurredAt\":1}");
        assertThat(message.deadLetter.reason).isEqualTo("orderId longer than 64 characters (65)");
    }

    @Test
    void nonUtf8BytesAreRejectedAndKeptRaw() {
        byte[] latin1 = "{\"type\":\"ORDER_PAID\",\"orderId\":\"caf\u00e9\",\"occurredAt\":1}"
                .getBytes(StandardCharsets.ISO_8859_1);

        OrderMessage message = parser.parse(latin1, POSITION, NOW);

        assertThat(message.deadLetter.reason).isEqualTo("not valid UTF-8");
        assertThat(message.deadLetter.payload).isEqualTo(latin1);
        assertThat(message.deadLetter.payloadForDisplay()).startsWith("base64:");
    }

    @Test
    void emptyAndNullPayloadsAreRejected() {
        assertThat(parser.parse(new byte[0], POSITION, NOW).deadLetter.reason).isEqualTo("empty message");
        assertThat(parser.parse(null, POSITION, NOW).deadLetter.reason).isEqualTo("empty message");
    }
}
