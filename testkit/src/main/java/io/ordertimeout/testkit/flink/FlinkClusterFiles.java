package io.ordertimeout.testkit.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The directories of one {@link FlinkTestCluster}, all under one temporary home deleted on close. */
public final class FlinkClusterFiles {

    private final Path home;

    FlinkClusterFiles(Path home) {
        this.home = home;
        for (Path directory : new Path[] {conf(), logs(), tmp(), checkpoints(), savepoints(), launcher()}) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + directory, e);
            }
        }
    }

    public Path home() {
        return home;
    }

    /** {@code FLINK_CONF_DIR}: config.yaml and log4j.properties. */
    public Path conf() {
        return home.resolve("conf");
    }

    /** One {@code .log} (log4j) and one {@code .out} (console) file per process and CLI command. */
    public Path logs() {
        return home.resolve("log");
    }

    /** {@code io.tmp.dirs} and {@code java.io.tmpdir} of every process: RocksDB's files, blobs, the web UI's. */
    public Path tmp() {
        return home.resolve("tmp");
    }

    /** {@code execution.checkpointing.dir}. */
    public Path checkpoints() {
        return home.resolve("checkpoints");
    }

    /** {@code execution.checkpointing.savepoint-dir}, and where {@link FlinkCli#stopWithSavepoint} writes. */
    public Path savepoints() {
        return home.resolve("savepoints");
    }

    Path launcher() {
        return home.resolve("launcher");
    }

    Path log4jProperties() {
        return conf().resolve("log4j.properties");
    }
}
