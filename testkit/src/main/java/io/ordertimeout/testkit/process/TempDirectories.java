package io.ordertimeout.testkit.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes the temp directories of stopped servers (databases, broker, Flink cluster). */
public final class TempDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(TempDirectories.class);

    private TempDirectories() {}

    public static void deleteQuietly(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }
}
