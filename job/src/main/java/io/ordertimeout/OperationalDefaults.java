package io.ordertimeout;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The production defaults of DESIGN.md §7, applied only where the operator has not chosen
 * otherwise: RocksDB with incremental checkpoints and timers in RocksDB (pending orders bounded by
 * disk, not heap), and a checkpoint interval so that offsets and timers are saved at all.
 */
final class OperationalDefaults {

    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private OperationalDefaults() {}

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
        return defaults;
    }
}
