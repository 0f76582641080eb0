package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ordertimeout.config.InvalidSettingException;
import io.ordertimeout.config.OrderTimeoutOptions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The event contract of DESIGN.md §2: valid events parse, an invalid required field makes a dead
 * letter, an optional field the schema cannot store is dropped and the event goes on.
 */
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
        assertThat(parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + orderId + "\",\"occurredAt\":1764151200000}").isValid()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                 | {\"type\":                                                           | malformed JSON",
        "JSON array               | [1,2]                                                               | not a JSON object",
        "trailing garbage         | {\"type\":\"ORDER_PAID\",\"orderId\":\"o\",\"occurredAt\":1764151200000} x       | malformed JSON",
        "missing type             | {\"orderId\":\"o-1\",\"occurredAt\":1764151200000}                              | missing type",
        "unknown type             | {\"type\":\"ORDER_SHIPPED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000}   | unknown type 'ORDER_SHIPPED'",
        "missing orderId          | {\"type\":\"ORDER_PAID\",\"occurredAt\":1764151200000}                          | missing orderId",
        "blank orderId            | {\"type\":\"ORDER_PAID\",\"orderId\":\"  \",\"occurredAt\":1764151200000}       | orderId is blank",
        "numeric orderId          | {\"type\":\"ORDER_PAID\",\"orderId\":42,\"occurredAt\":1764151200000}           | orderId must be a string",
        "missing occurredAt       | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\"}                       | missing occurredAt",
        "bad timestamp            | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":\"yesterday\"} | is not an ISO-8601 instant",
        "negative timestamp       | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":-5}     | occurredAt -5 is before 2000-01-01T00:00:00Z",
        "fractional timestamp     | {\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":1.5}    | occurredAt must be",
        "timeout zero             | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,\"payTimeoutSeconds\":0}      | out of range 1..604800",
        "timeout over a week      | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,\"payTimeoutSeconds\":604801} | out of range 1..604800",
        "timeout not a number     | {\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,\"payTimeoutSeconds\":\"60\"} | payTimeoutSeconds must be an integer",
    })
    void invalidInputBecomesADeadLetterWithAReason(String caseName, String json, String reason) {
        OrderMessage message = parse(json);

        assertThat(message.isValid()).as(caseName).isFalse();
        assertThat(message.deadLetters[0].reason).contains(reason);
        assertThat(message.deadLetters[0].sourcePosition).isEqualTo(POSITION);
        assertThat(message.deadLetters[0].rejectedAt).isEqualTo(NOW);
        assertThat(message.deadLetters[0].payload).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void overLongOrderIdIsRejected() {
        OrderMessage message = parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + "x".repeat(65) + "\",\"occurredAt\":1764151200000}");
        assertThat(message.deadLetters[0].reason).isEqualTo("orderId longer than 64 characters (65)");
    }

    @Test
    void nonUtf8BytesAreRejectedAndKeptRaw() {
        byte[] latin1 = "{\"type\":\"ORDER_PAID\",\"orderId\":\"caf\u00e9\",\"occurredAt\":1764151200000}"
                .getBytes(StandardCharsets.ISO_8859_1);

        OrderMessage message = parser.parse(latin1, POSITION, NOW);

        assertThat(message.deadLetters[0].reason).isEqualTo("not valid UTF-8");
        assertThat(message.deadLetters[0].payload).isEqualTo(latin1);
        assertThat(message.deadLetters[0].payloadForDisplay()).startsWith("base64:");
    }

    @Test
    void emptyAndNullPayloadsAreRejected() {
        assertThat(parser.parse(new byte[0], POSITION, NOW).deadLetters[0].reason).isEqualTo("empty message");
        assertThat(parser.parse(null, POSITION, NOW).deadLetters[0].reason).isEqualTo("empty message");
    }
    @Test
    void anOptionalFieldTheSchemaCannotStoreIsDroppedAndTheEventGoesOn() {
        String json = "{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,"
                + "\"userId\":\"u-7\",\"amountCents\":\"12\",\"currency\":\"EURO\"}";

        OrderMessage message = parse(json);

        assertThat(message.isValid()).isTrue();
        assertThat(message.event.orderId).isEqualTo("o-1");
        assertThat(message.event.userId).isEqualTo("u-7");
        assertThat(message.event.amountCents).isNull();
        assertThat(message.event.currency).isNull();
        assertThat(message.deadLetters).extracting(letter -> letter.reason).containsExactly(
                "field amountCents dropped: not an integer but a string 12",
                "field currency dropped: longer than 3 characters (4)");
        assertThat(message.deadLetters).allSatisfy(letter -> {
            assertThat(letter.payload).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
            assertThat(letter.sourcePosition).isEqualTo(POSITION);
            assertThat(letter.rejectedAt).isEqualTo(NOW);
        });
    }

    @Test
    void aPaymentIdWithNulIsDroppedAndThePaymentStillCounts() {
        OrderMessage message = parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,"
                + "\"paymentId\":\"p-\\u0000\"}");

        assertThat(message.event.type).isEqualTo(OrderEventType.ORDER_PAID);
        assertThat(message.event.paymentId).isNull();
        assertThat(message.deadLetters).extracting(letter -> letter.reason)
                .containsExactly("field paymentId dropped: contains control character U+0000 at index 2");
    }

    @Test
    void limitsFollowTheConfiguredSchema() {
        Configuration config = new Configuration();
        config.set(OrderTimeoutOptions.DB_MAX_ORDER_ID_LENGTH, 100);
        config.set(OrderTimeoutOptions.DB_MAX_USER_ID_LENGTH, 10);
        config.set(OrderTimeoutOptions.DB_MAX_PAYMENT_ID_LENGTH, 5);
        OrderEventParser narrow = new OrderEventParser(EventFieldLimits.from(config));
        String orderId = "o".repeat(80);

        OrderMessage created = narrow.parse(("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + orderId + "\","
                + "\"occurredAt\":1764151200000,\"userId\":\"" + "u".repeat(11) + "\"}").getBytes(StandardCharsets.UTF_8),
                POSITION, NOW);
        OrderMessage paid = narrow.parse(("{\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000,"
                + "\"paymentId\":\"p-123\"}").getBytes(StandardCharsets.UTF_8), POSITION, NOW);

        assertThat(created.event.orderId).isEqualTo(orderId);
        assertThat(created.deadLetters).extracting(letter -> letter.reason)
                .containsExactly("field userId dropped: longer than 10 characters (11)");
        assertThat(paid.event.paymentId).isEqualTo("p-123");
        assertThat(paid.deadLetters).isEmpty();
        assertThat(parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"" + orderId + "\",\"occurredAt\":1764151200000}")
                .deadLetters[0].reason).isEqualTo("orderId longer than 64 characters (80)");
    }

    @ParameterizedTest
    @CsvSource({"order-timeout.db.max-order-id-length, 0", "order-timeout.db.max-user-id-length, -1",
            "order-timeout.db.max-payment-id-length, 5000", "order-timeout.db.max-user-id-length, many"})
    void limitSettingsOutOfRangeStopTheJobNamingTheOption(String key, String value) {
        Configuration config = new Configuration();
        config.setString(key, value);

        assertThatThrownBy(() -> EventFieldLimits.from(config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(key);
    }

    @Test
    void reasonsQuotingHostileInputCanBeLoggedAndStored() {
        OrderMessage nul = parse("{\"type\":\"ORDER\\u0000\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000}");
        OrderMessage longType = parse("{\"type\":\"" + "T".repeat(5000) + "\",\"orderId\":\"o-1\",\"occurredAt\":1764151200000}");

        assertThat(nul.deadLetters[0].reason).isEqualTo("unknown type 'ORDER\\u0000'");
        assertThat(longType.deadLetters[0].reason).hasSizeLessThanOrEqualTo(OrderEventParser.MAX_REASON_LENGTH + 3)
                .startsWith("unknown type 'TTT").endsWith("...");
    }

    @Test
    void lengthsAreCountedInCharactersAsTheDatabaseCountsThem() {
        String emoji = "\uD83D\uDE00".repeat(64);
        OrderMessage message = parse("{\"type\":\"ORDER_CREATED\",\"orderId\":\"" + emoji + "\","
                + "\"occurredAt\":1764151200000,\"userId\":\"" + emoji + "\"}");

        assertThat(message.event.orderId).isEqualTo(emoji);
        assertThat(message.event.userId).isEqualTo(emoji);
        assertThat(message.deadLetters).isEmpty();
    }

    @Test
    void epochSecondsAreRejectedAndAFarFutureTimeIsAValidEvent() {
        assertThat(parse("{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":1764151200}").deadLetters[0].reason)
                .isEqualTo("occurredAt 1764151200 is before 2000-01-01T00:00:00Z (epoch seconds instead of millis?)");
        assertThat(parse("{\"type\":\"ORDER_CREATED\",\"orderId\":\"o-1\",\"occurredAt\":\"2100-01-01T00:00:00Z\"}")
                .event.occurredAt).isEqualTo(Instant.parse("2100-01-01T00:00:00Z").toEpochMilli());
    }
    @Test
    void malformedJsonSaysWhereWithoutRepeatingTheInput() {
        assertThat(parse("{\"type\":\"ORDER_PAID\",\"orderId\":\"o-1\"").deadLetters[0].reason)
                .isEqualTo("malformed JSON at line 1, column 37: Unexpected end-of-input: expected close marker for "
                        + "Object (start marker at [line: 1, column: 1])");
    }
    @Test
    void aMessageLargerThanAnyBrokerMessageIsRejectedUnread() {
        byte[] huge = new byte[OrderEventParser.MAX_MESSAGE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) '[');

        assertThat(parser.parse(huge, POSITION, NOW).deadLetters[0].reason)
                .isEqualTo("message of 8388609 bytes is larger than 8388608 bytes");
    }
}
