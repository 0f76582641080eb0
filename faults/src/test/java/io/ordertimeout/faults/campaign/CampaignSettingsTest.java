package io.ordertimeout.faults.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CampaignSettingsTest {

    private static CampaignSettings parse(String... args) {
        return CampaignSettings.fromArgs(args, Path.of("job.jar"), Path.of("results"));
    }

    @Test
    void twentyFaultsInjectEveryKindSeveralTimes() {
        Map<FaultKind, Long> perKind = parse("--faults", "20").faults().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(perKind.keySet()).containsExactlyInAnyOrder(FaultKind.values());
        assertThat(perKind.values()).allMatch(times -> times >= 2);
    }

    @Test
    void rescalesCycleTwoThreeOne() {
        CampaignSettings settings = parse();

        assertThat(settings.initialParallelism()).isEqualTo(2);
        assertThat(settings.nextParallelism(2)).isEqualTo(3);
        assertThat(settings.nextParallelism(3)).isEqualTo(1);
        assertThat(settings.nextParallelism(1)).isEqualTo(2);
    }

    @Test
    void readsTheScriptsOptions() {
        CampaignSettings settings = parse("--faults", "7", "--minutes", "9", "--db", "mariadb", "--rate", "3",
                "--seed", "4");

        assertThat(settings.faults()).hasSize(7);
        assertThat(settings.totalTime().toMinutes()).isEqualTo(9);
        assertThat(settings.database()).isEqualTo("mariadb");
        assertThat(settings.ordersPerSecond()).isEqualTo(3);
        assertThat(settings.seed()).isEqualTo(4);
        assertThatThrownBy(() -> parse("--db", "oracle")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("--faults")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("--speed", "9")).hasMessageContaining("usage");
    }
}
