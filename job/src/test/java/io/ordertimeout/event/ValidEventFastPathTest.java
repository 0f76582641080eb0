package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.workload.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path never disagrees with the tree path: whenever it answers, the tree reads
 * the same message as the same valid event with no dropped field; and it does answer for the
 * events producers send (so the tree is really skipped).
 */
class ValidEventFastPathTest {

    private final OrderEventParser parser = new OrderEventParser();
    private final ValidEventFastPath fast = new ValidEventFastPath(EventFieldLimits.defaults());

    @Property(tries = 3000)
    @StatisticsReport(onFailureOnly = true)
    void whenItAnswersTheTreeGivesTheSameValidEvent(@ForAll("messages") String json) throws Exception {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        if (!OrderEventParser.isPlainAscii(payload)) {
            return;
        }
        OrderEvent quick = fast.readOrNull(parser.jsonFactory(), payload);
        Statistics.label("fast path answers").collect(quick != null);
        if (quick == null) {
            return; // the parser takes the tree path
        }
        List<String> dropped = new ArrayList<>();
        OrderEvent tree;
        try {
            tree = parser.parseTree(payload, true, dropped);
        } catch (OrderEventParser.InvalidEventException e) {
            throw new AssertionError("fast path accepted " + json + ", the tree rejects it: " + e.getMessage());
        }
        assertThat(dropped).as(json).isEmpty();
        assertThat(quick).as(json).usingRecursiveComparison().isEqualTo(tree);
    }

    /** The property above is not vacuous: the generator reaches the fast path often enough. */
    @Property(tries = 3000)
    void theGeneratorReachesTheFastPath(@ForAll("messages") String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        Statistics.label("reached").collect(fast.readOrNull(parser.jsonFactory(), payload) != null);
        Statistics.label("reached").coverage(coverage -> coverage.check(true).percentage(share -> share >= 10.0));
    }

    @Test
    void answersForTheEventsProducersSend() {
        long at = 1_764_151_200_000L;
        for (byte[] payload : List.of(
                EventJson.created("o-1", "e-1", at, true, 900, "u-1", 1999L, "EUR"),
                EventJson.created("o-1", "e-1", at, false, null, "u-1", 0L, "usd"),
                EventJson.paid("o-1", "e-2", at, false, "pay-1"),
                EventJson.paid("o-1", "e-2", at, true, null),
                EventJson.cancelled("o-1", "e-3", at, false))) {
            assertThat(fast.readOrNull(parser.jsonFactory(), payload)).as(new String(payload, StandardCharsets.UTF_8))
                    .isNotNull()
                    .usingRecursiveComparison().isEqualTo(parser.parse(payload, "t/b/0/0", 0).event);
        }
    }

    /**
     * Objects of the contract's fields in any order: the required ones mostly good, each optional one
     * present or not, good, bad or null, sometimes an unknown field or trailing content.
     */
    @Provide
    Arbitrary<String> messages() {
        List<Arbitrary<Optional<String>>> fields = List.of(
                sometimes(95, entry("type", mostly(Arbitraries.of("\"ORDER_CREATED\"", "\"ORDER_PAID\"", "\"ORDER_CANCELLED\""),
                        Arbitraries.of("\"ORDER_SHIPPED\"", "\"order_paid\"", "1", "null", "[]")))),
                sometimes(95, entry("orderId", mostly(Arbitraries.of("\"o-1\"", "\"o-2\"", "\"" + "x".repeat(64) + "\""),
                        Arbitraries.of("\"  \"", "\"\"", "\"o\\u0000\"", "42", "null", "\"" + "x".repeat(65) + "\"", "{\"a\":1}")))),
                sometimes(95, entry("occurredAt", mostly(Arbitraries.of("1764151200000", "\"2026-11-26T10:00:00.250Z\"",
                        "\"2026-11-26T11:00:00+01:00\"", "\"2026-11-26T10:00:00Z\"", "946684800000", "253402300799999"),
                        Arbitraries.of("\"2026-02-30T10:00:00Z\"", "\"yesterday\"", "-5", "1.5", "1e12", "99999999999999999999",
                                "946684799999", "253402300800000", "null")))),
                sometimes(50, entry("eventId", Arbitraries.of("\"e-1\"", "\"" + "e".repeat(129) + "\"", "7", "null", "\"\""))),
                sometimes(50, entry("payTimeoutSeconds", Arbitraries.of("900", "0", "1", "604800", "604801", "\"60\"", "60.0",
                        "null", "-1"))),
                sometimes(50, entry("userId", Arbitraries.of("\"u-1\"", "\"" + "u".repeat(65) + "\"", "1", "null", "\"u\\n\""))),
                sometimes(50, entry("amountCents", Arbitraries.of("0", "1999", "-1", "1000000000000000", "1000000000000001",
                        "1.5", "\"10\"", "null", "true"))),
                sometimes(50, entry("currency", Arbitraries.of("\"EUR\"", "\"usd\"", "\"EU\"", "\"E1R\"", "\"EURO\"", "3", "null"))),
                sometimes(50, entry("paymentId", Arbitraries.of("\"pay-1\"", "\"" + "p".repeat(129) + "\"", "5", "null"))),
                sometimes(30, entry("extra", Arbitraries.of("1", "\"x\"", "{\"nested\":[1,{\"type\":2}]}", "[]", "null", "true"))),
                sometimes(5, entry("type", Arbitraries.of("\"ORDER_PAID\""))));
        Arbitrary<String> trailing = Arbitraries.frequencyOf(Tuple.of(90, Arbitraries.of("", " ", "\n")),
                Tuple.of(10, Arbitraries.of(" x", " {}", "]")));
        return Combinators.combine(Combinators.combine(fields).as(present -> present.stream()
                        .flatMap(Optional::stream).collect(Collectors.toList())).flatMap(
                        present -> Arbitraries.shuffle(present)), trailing)
                .as((shuffled, tail) -> "{" + String.join(",", shuffled) + "}" + tail);
    }

    private static Arbitrary<String> mostly(Arbitrary<String> good, Arbitrary<String> bad) {
        return Arbitraries.frequencyOf(Tuple.of(85, good), Tuple.of(15, bad));
    }

    private static Arbitrary<Optional<String>> sometimes(int percent, Arbitrary<String> entry) {
        return Arbitraries.frequencyOf(Tuple.of(percent, entry.map(Optional::of)),
                Tuple.of(100 - percent, Arbitraries.just(Optional.<String>empty())));
    }

    private static Arbitrary<String> entry(String name, Arbitrary<String> values) {
        return values.map(value -> "\"" + name + "\":" + value);
    }
}
