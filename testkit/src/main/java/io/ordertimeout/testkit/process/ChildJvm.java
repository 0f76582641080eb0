package io.ordertimeout.testkit.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM that runs a main class through {@link ParentWatchingMain}, so it exits when this
 * JVM dies however it dies (no orphans), with its console output in a file.
 *
 * <p>Its class path is exactly what the caller gives plus a directory holding only the
 * {@code ParentWatchingMain} class file (copied out of the testkit), so nothing else of the testkit
 * or of the test's class path leaks into the child: a Flink TaskManager started this way sees Flink
 * and nothing more, like one started from a Flink distribution.
 */
public final class ChildJvm {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final Path output;

    private ChildJvm(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param name for log lines and error messages
     * @param jvmOptions options before the class path ({@code -Xmx...}, {@code -D...})
     * @param classPath the child's class path (the launcher directory is added in front)
     * @param launcherDirectory a directory of the caller's where the launcher class file is written
     * @param environment extra environment variables
     * @param workingDirectory the child's working directory
     * @param output the file that gets the child's standard output and error
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String classPath, Path launcherDirectory,
            String mainClass, List<String> args, Map<String, String> environment, Path workingDirectory,
            Path output) {
        String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(javaBin);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(writeLauncher(launcherDirectory) + java.io.File.pathSeparator + classPath);
        command.add(ParentWatchingMain.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(environment);
        try {
            return new ChildJvm(name, builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    /** Waits for the child to exit by itself; true if it did within the timeout. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
    }

    /** SIGKILL, as when its host dies, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        if (!awaitExit(KILL_TIMEOUT)) {
            LOG.warn("{} (pid {}) did not exit after SIGKILL", name, pid());
        }
    }

    /** SIGTERM (shutdown hooks run), then SIGKILL if it has not exited after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    public Path output() {
        return output;
    }

    /** The last lines of the child's console output, for error messages. */
    public String outputTail(int lines) {
        try {
            List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e + ")";
        }
    }

    /**
     * Copies the launcher's class file into {@code directory} (its lambdas compile to invokedynamic,
     * so it is one file) and returns the directory, the class path entry that holds it.
     */
    private static Path writeLauncher(Path directory) {
        String resource = ParentWatchingMain.class.getName().replace('.', '/') + ".class";
        Path target = directory.resolve(resource);
        if (Files.exists(target)) {
            return directory;
        }
        try (InputStream in = ParentWatchingMain.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Class file " + resource + " not found");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the launcher class to " + directory, e);
        }
    }
}
