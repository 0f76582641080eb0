package io.ordertimeout.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast path gives exactly what {@link Instant#parse} gives wherever it answers, and answers for
 * the form producers send; where it does not answer, the parser falls back to java.time.
 */
class IsoInstantFastPathTest {

    @Property(tries = 2000)
    void agreesWithInstantParseOnTheCommonForm(
            @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll @IntRange(min = 0, max = 9) int fractionDigits) {
        String full = Instant.ofEpochSecond(epochSecond, nanos).toString(); // yyyy-MM-ddTHH:mm:ss[.fff…]Z
        String seconds = full.substring(0, 19);
        String fraction = String.format("%09d", nanos).substring(0, fractionDigits);
        String text = seconds + (fractionDigits == 0 ? "" : "." + fraction) + "Z";

        assertThat(IsoInstantFastPath.parseOrNull(text)).as(text).isEqualTo(Instant.parse(text));
    }

    @Property(tries = 3000)
    void neverDisagreesWithInstantParseOnNearMisses(@ForAll("nearMisses") String text) {
        Instant fast = IsoInstantFastPath.parseOrNull(text);
        if (fast == null) {
            return; // the parser asks Instant.parse
        }
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeException e) {
            throw new AssertionError("fast path accepted " + text + " which Instant.parse rejects: " + e.getMessage());
        }
        assertThat(fast).as(text).isEqualTo(expected);
    }

    /** Valid-looking texts with one character replaced: digits out of range, wrong separators, lower case. */
    @Provide
    Arbitrary<String> nearMisses() {
        Arbitrary<String> base = Arbitraries.longs().between(946_684_800L, 4_102_444_800L)
                .map(second -> Instant.ofEpochSecond(second, (second % 7) * 142_857_000L).toString());
        return Combinators.combine(base, Arbitraries.integers().between(0, 29), Arbitraries.of(
                        '0', '1', '2', '3', '4', '5', '6', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' '))
                .as((text, index, replacement) -> index >= text.length() ? text
                        : text.substring(0, index) + replacement + text.substring(index + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T24:00:00Z", "2026-12-31T23:59:60Z", "2026-02-29T10:00:00Z", "2026-11-26T10:00Z",
            "2026-11-26t10:00:00z", "2026-11-26T10:00:00+01:00", "2026-11-26T10:00:00.Z", "2026-11-26T10:00:00.1234567890Z",
            "+12026-11-26T10:00:00Z", "2026-11-26 10:00:00Z"})
    void leavesEveryOtherFormToJavaTime(String text) {
        assertThat(IsoInstantFastPath.parseOrNull(text)).isNull();
    }
}
