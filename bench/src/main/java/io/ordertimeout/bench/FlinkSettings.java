package io.ordertimeout.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** Flink settings the benchmark jobs share. */
final class FlinkSettings {

    static final String ROCKSDB = "rocksdb";
    static final String HEAP = "hashmap";
    static final String MANAGED_MEMORY = "1372m";

    /**
     * Flink options given with {@code --flink key=value}: laid over every benchmark job's settings,
     * so that a reader can measure their own settings (bloom filters, managed memory, ...) on the
     * same workload. The report lists them.
     */
    private static final Map<String, String> OVERRIDES = new LinkedHashMap<>();

    private FlinkSettings() {}

    static void override(String keyEqualsValue) {
        int equals = keyEqualsValue.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--flink wants key=value, got " + keyEqualsValue);
        }
        OVERRIDES.put(keyEqualsValue.substring(0, equals).trim(), keyEqualsValue.substring(equals + 1).trim());
    }

    static Map<String, String> overrides() {
        return Map.copyOf(OVERRIDES);
    }

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
        // A MiniCluster gets 128 MB of managed memory unless told otherwise: RocksDB's write buffers
        // and block cache shrink to a few MB per slot, and filling 3 M pending orders ran 3.4x slower
        // than with this (bench/README.md). 1,372 MB is what Flink gives a 4 GB TaskManager (the
        // Kubernetes base) in all; here 4 slots share it, so each RocksDB gets half of what it gets there.
        config.setString("taskmanager.memory.managed.size", MANAGED_MEMORY);
        OVERRIDES.forEach(config::setString);
        return config;
    }
}
