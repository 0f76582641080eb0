package io.ordertimeout.testkit.poison;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The corpus file loads into the cases the brief asks for, with the payloads it describes. */
class PoisonCorpusTest {

    private static final List<PoisonCase> CASES = PoisonCorpus.load();

    private static PoisonCase named(String name) {
        return CASES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void holdsAtLeastThirtyKindsOfBothOutcomes() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(30);
        Map<Boolean, Long> byOutcome = CASES.stream().collect(Collectors.partitioningBy(PoisonCase::rejected, Collectors.counting()));
        assertThat(byOutcome.get(true)).isGreaterThanOrEqualTo(30);
        assertThat(byOutcome.get(false)).isGreaterThanOrEqualTo(10);
        assertThat(CASES).allSatisfy(c -> assertThat(c.why()).isNotBlank());
    }

    @Test
    void payloadFormsAreDecoded() {
        assertThat(named("empty-body").payload()).isEmpty();
        assertThat(named("empty-body").sendable()).isFalse();
        assertThat(named("binary-garbage").payload()).containsExactly(0, 255 - 256, 254 - 256, 1, 2, 0, 128 - 256, 10);
        assertThat(named("byte-order-mark").payload()).startsWith(0xEF - 256, 0xBB - 256, 0xBF - 256, '{');
        assertThat(new String(named("order-id-nul").payload(), StandardCharsets.UTF_8)).contains("poison-\\u0000-nul");
        assertThat(named("raw-nul-in-string").payload()).contains(0);
        byte[] huge = named("huge-payload-unknown-field").payload();
        assertThat(huge.length).isBetween(1_000_000, 1_001_000);
        assertThat(new String(named("deeply-nested").payload(), StandardCharsets.UTF_8)).contains("[".repeat(100_000));
    }

    @Test
    void expectationsAreEitherARejectionOrDroppedFields() {
        PoisonCase several = named("several-bad-fields");
        assertThat(several.rejected()).isFalse();
        assertThat(several.droppedFields()).containsOnlyKeys("userId", "amountCents", "currency");
        assertThat(several.expectedDeadLetters()).isEqualTo(3);
        assertThat(named("occurred-at-year-2100").droppedFields()).isEmpty();
        assertThat(named("occurred-at-year-2100").expectedDeadLetters()).isZero();
        assertThat(named("order-id-65-chars").rejectedReason()).isEqualTo("orderId longer than 64 characters (65)");
    }
}
