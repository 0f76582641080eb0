package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.testkit.poison.PoisonCase;
import io.ordertimeout.testkit.poison.PoisonCorpus;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the testkit's poison corpus ends as the corpus says: a dead letter with its
 * reason, or an accepted event without exactly the named fields (one dead letter per field), and
 * never with a value the database could not store.
 */
class PoisonCorpusParserTest {

    private static final String POSITION = "order-events/broker-a/1/77";
    private static final long NOW = 1_764_151_200_000L;
    private static final EventFieldLimits LIMITS = EventFieldLimits.defaults();

    private final OrderEventParser parser = new OrderEventParser();

    static Stream<PoisonCase> corpus() {
        return PoisonCorpus.load().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void endsAsTheCorpusSays(PoisonCase poison) {
        OrderMessage message = parser.parse(poison.payload(), POSITION, NOW);

        assertThat(message.deadLetters).as("dead letters of %s", poison).hasSize(poison.expectedDeadLetters());
        for (DeadLetter letter : message.deadLetters) {
            assertThat(letter.payload).isEqualTo(poison.payload());
            assertThat(letter.sourcePosition).isEqualTo(POSITION);
            assertThat(letter.rejectedAt).isEqualTo(NOW);
            assertThat(StorableText.problem(letter.reason, OrderEventParser.MAX_REASON_LENGTH + 3))
                    .as("reason of %s is storable: %s", poison, letter.reason).isNull();
        }
        if (poison.rejected()) {
            assertThat(message.event).as("%s is rejected", poison).isNull();
            assertThat(message.deadLetters[0].reason).contains(poison.rejectedReason());
            return;
        }
        assertThat(message.event).as("%s is accepted, but: %s", poison, message).isNotNull();
        List<String> reasons = Stream.of(message.deadLetters).map(letter -> letter.reason).collect(Collectors.toList());
        poison.droppedFields().forEach((field, fragment) -> {
            assertThat(reasons).as("%s drops %s", poison, field)
                    .anySatisfy(reason -> assertThat(reason).startsWith("field " + field + " dropped: ").contains(fragment));
            assertThat(field(message.event, field)).as("%s of %s", field, poison).isNull();
        });
        assertStorable(message.event);
    }

    /** Whatever is accepted fits the schema: this is what kept the sink from crash-looping. */
    private static void assertStorable(OrderEvent event) {
        assertThat(StorableText.problem(event.orderId, LIMITS.maxOrderIdLength)).isNull();
        if (event.userId != null) {
            assertThat(StorableText.problem(event.userId, LIMITS.maxUserIdLength)).isNull();
        }
        if (event.paymentId != null) {
            assertThat(StorableText.problem(event.paymentId, LIMITS.maxPaymentIdLength)).isNull();
        }
        if (event.currency != null) {
            assertThat(event.currency).matches("[A-Za-z]{3}");
        }
        if (event.amountCents != null) {
            assertThat(event.amountCents).isBetween(0L, OrderEventParser.MAX_AMOUNT_CENTS);
        }
    }

    private static Object field(OrderEvent event, String name) {
        switch (name) {
            case "userId":
                return event.userId;
            case "amountCents":
                return event.amountCents;
            case "currency":
                return event.currency;
            case "paymentId":
                return event.paymentId;
            case "eventId":
                return event.eventId;
            default:
                throw new IllegalArgumentException("The corpus names a field the parser never drops: " + name);
        }
    }

    @Test
    void theWholeCorpusParsesQuickly() {
        List<PoisonCase> cases = PoisonCorpus.load();
        long start = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            for (PoisonCase poison : cases) {
                parser.parse(poison.payload(), POSITION, NOW);
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
