package io.ordertimeout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobSettingsTest {

    @Test
    void defaultsAreTheDesignDefaults() {
        JobSettings settings = JobSettings.from(new Configuration());

        assertThat(settings.payTimeout).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.outOfOrderness).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.stateRetention).isEqualTo(Duration.ofHours(24));
        assertThat(settings.idleTimeout).isPositive();
        assertThat(settings.maxParallelism).isEqualTo(128);
    }

    @Test
    void settingsAreReadFromFlinkConfigurationKeys() {
        JobSettings settings = JobSettings.from(Configuration.fromMap(Map.of(
                "order-timeout.pay-timeout", "15 min",
                "order-timeout.watermark.out-of-orderness", "2 s",
                "order-timeout.watermark.idle-timeout", "20 s",
                "order-timeout.state.retention", "48 h",
                "order-timeout.max-parallelism", "256")));

        assertThat(settings.payTimeout).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.outOfOrderness).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.idleTimeout).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.stateRetention).isEqualTo(Duration.ofHours(48));
        assertThat(settings.maxParallelism).isEqualTo(256);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "order-timeout.pay-timeout               | 0 s      | must be positive",
        "order-timeout.pay-timeout               | 8 d      | at most",
        "order-timeout.pay-timeout               | soon     | ",
        "order-timeout.watermark.out-of-orderness| -1 s     | Could not parse value",
        "order-timeout.watermark.idle-timeout    | 0 ms     | must be positive",
        "order-timeout.max-parallelism           | 0        | between 1 and 32768",
        "order-timeout.max-parallelism           | many     | ",
    })
    void wrongSettingStopsWithAMessageNamingTheOption(String key, String value, String problem) {
        Configuration config = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> JobSettings.from(config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid setting " + key + ": ")
                .hasMessageContaining(problem == null ? "" : problem);
    }
}
