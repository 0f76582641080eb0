package io.ordertimeout.bench;

import org.apache.flink.configuration.Configuration;

/** Flink settings the benchmark jobs share. */
final class FlinkSettings {

    static final String ROCKSDB = "rocksdb";
    static final String HEAP = "hashmap";

    private FlinkSettings() {}

    static Configuration base(String stateBackend) {
        Configuration config = new Configuration();
        config.setString("state.backend.type", stateBackend);
        if (ROCKSDB.equals(stateBackend)) {
            // The job's production setting (DESIGN.md §7): timers in RocksDB too.
            config.setString("state.backend.rocksdb.timer-service.factory", "ROCKSDB");
            config.setString("execution.checkpointing.incremental", "true");
        }
        // The job's default interval, set for the CEP variant too.
        config.setString("execution.checkpointing.interval", "30 s");
        // Other people share this machine: no fixed web UI port.
        config.setString("rest.bind-port", "0");
        config.setString("taskmanager.numberOfTaskSlots", "4");
        return config;
    }
}
