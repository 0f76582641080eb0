package io.ordertimeout;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The production defaults of DESIGN.md §7, applied only where the operator has not chosen
 * otherwise: RocksDB with incremental checkpoints and timers in RocksDB (pending orders bounded by
 * disk, not heap), a checkpoint interval so that offsets and timers are saved at all, checkpoints
 * retained when the job is cancelled (the runbook restores from "the latest retained checkpoint";
 * Flink's own default deletes them), and the exponential-delay restart strategy (a database or
 * broker outage is retried for as long as it lasts, ever more slowly, never given up).
 */
final class OperationalDefaults {

    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
    static final String EXPONENTIAL_DELAY = "exponential-delay";

    private OperationalDefaults() {}

    /**
     * What the job runs with: everything the operator set (Flink config file, {@code -D}, program
     * arguments), plus these defaults where the operator set nothing.
     */
    static Configuration effective(Configuration configured) {
        Configuration effective = new Configuration(configured);
        effective.addAll(overrides(configured));
        return effective;
    }

    static Configuration overrides(ReadableConfig current) {
        Configuration defaults = new Configuration();
        if (current.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            defaults.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        }
        if (current.getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS).isEmpty()) {
            defaults.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        if (current.getOptional(RocksDBOptions.TIMER_SERVICE_FACTORY).isEmpty()) {
            defaults.set(RocksDBOptions.TIMER_SERVICE_FACTORY, PriorityQueueStateType.ROCKSDB);
        }
        if (current.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            defaults.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        }
        if (current.getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).isEmpty()) {
            defaults.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (current.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            defaults.set(RestartStrategyOptions.RESTART_STRATEGY, EXPONENTIAL_DELAY);
        }
        return defaults;
    }
}
