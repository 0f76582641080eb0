package io.ordertimeout.testkit.flink;

import io.ordertimeout.testkit.process.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's command line client ({@code bin/flink}: {@code org.apache.flink.client.cli.CliFrontend})
 * against a {@link FlinkTestCluster}, each command in its own child JVM with the distribution's class
 * path and {@code FLINK_CONF_DIR}, exactly as the script runs it. A child JVM rather than the
 * CliFrontend in this JVM because the job's {@code main} runs in the client while the job graph is
 * built: in this JVM it would share the test's class path and static state, and CliFrontend exits
 * the JVM on some errors.
 */
public final class FlinkCli {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT_PATH = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

    private final FlinkClusterFiles files;
    private final String classPath;
    private final AtomicInteger commands = new AtomicInteger();

    FlinkCli(FlinkClusterFiles files, String classPath) {
        this.files = files;
        this.classPath = classPath;
    }

    /**
     * {@code flink run -d -p <parallelism> [-s <savepoint>] <jar> <args>}: submits detached and
     * returns the job id.
     */
    public String run(Path jar, int parallelism, String restorePath, List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of("run", "--detached", "--parallelism", String.valueOf(parallelism)));
        if (restorePath != null) {
            args.add("--fromSavepoint");
            args.add(restorePath);
        }
        args.add(jar.toString());
        args.addAll(programArgs);
        String output = execute(args);
        Matcher matcher = JOB_ID.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + output);
        }
        return matcher.group(1);
    }

    /** {@code flink stop --savepointPath <dir> <jobId>}: stop-with-savepoint; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId, Path savepointDirectory) {
        String output = execute(List.of("stop", "--savepointPath", savepointDirectory.toUri().toString(), jobId));
        Matcher matcher = SAVEPOINT_PATH.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("flink stop printed no savepoint path:\n" + output);
        }
        return matcher.group(1);
    }

    /** {@code flink cancel <jobId>}. */
    public void cancel(String jobId) {
        execute(List.of("cancel", jobId));
    }

    /** Runs one command; returns its console output, or throws with it if the command failed. */
    public String execute(List<String> args) {
        int number = commands.incrementAndGet();
        Path output = files.logs().resolve("flink-cli-" + number + ".out");
        List<String> jvmOptions = new ArrayList<>(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Duser.home=" + files.home(),
                "-Djava.io.tmpdir=" + files.tmp(),
                "-Dlog.file=" + files.logs().resolve("flink-cli-" + number + ".log"),
                "-Dlog4j.configurationFile=" + files.log4jProperties().toUri()));
        jvmOptions.addAll(FlinkDistribution.JAVA_17_OPTIONS);
        ChildJvm cli = ChildJvm.start("flink " + args.get(0), jvmOptions, classPath, files.launcher(),
                "org.apache.flink.client.cli.CliFrontend", args,
                Map.of("FLINK_CONF_DIR", files.conf().toString()), files.home(), output);
        if (!cli.awaitExit(COMMAND_TIMEOUT)) {
            cli.kill();
            throw new IllegalStateException("flink " + String.join(" ", args) + " did not finish in "
                    + COMMAND_TIMEOUT.toSeconds() + " s:\n" + cli.outputTail(60));
        }
        String text = read(output);
        int exitCode = cli.exitCode().orElse(-1);
        if (exitCode != 0) {
            throw new IllegalStateException("flink " + String.join(" ", args) + " exited with " + exitCode + ":\n"
                    + text);
        }
        return text;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
