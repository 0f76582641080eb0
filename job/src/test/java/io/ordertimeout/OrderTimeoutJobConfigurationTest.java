package io.ordertimeout;

import static org.assertj.core.api.Assertions.assertThat;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.testing.ListOrderSource;
import io.ordertimeout.time.WallClock;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * What the job's environment ends up with (DESIGN.md §7): the production defaults where the
 * operator chose nothing, and whatever the operator did choose — in the Flink configuration or as
 * a program argument — applied to the environment, not only validated.
 */
class OrderTimeoutJobConfigurationTest {

    private static Configuration defined(String... args) {
        Configuration base = new Configuration();
        base.set(OrderTimeoutOptions.JDBC_URL, "jdbc:postgresql://localhost:5432/orders");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(base);
        Configuration config = OrderTimeoutJob.configuration(env, args);
        OrderTimeoutJob.define(env, config, new ListOrderSource(List.of(), Duration.ofSeconds(5)), WallClock.system());
        return Configuration.fromMap(env.getConfiguration().toMap());
    }

    @Test
    void withoutSettingsTheEnvironmentGetsTheProductionDefaults() {
        Configuration env = defined();

        assertThat(env.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(env.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(env.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).isEqualTo(PriorityQueueStateType.ROCKSDB);
        assertThat(env.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(env.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(env.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }

    @Test
    void flinkSettingsGivenAsProgramArgumentsReachTheEnvironment() {
        Configuration env = defined(
                "--execution.checkpointing.interval", "10 s",
                "--restart-strategy.type", "fixed-delay",
                "--execution.checkpointing.externalized-checkpoint-retention", "DELETE_ON_CANCELLATION",
                "--state.backend.type", "hashmap");

        assertThat(env.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(env.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(env.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
        assertThat(env.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    }

    @Test
    void jobSettingsGivenAsProgramArgumentsAreUsed() {
        // Validation reads the same merged configuration: a wrong argument fails the submission.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> defined("--order-timeout.pay-timeout", "0 s"))
                .hasMessageContaining("order-timeout.pay-timeout");
    }
}
