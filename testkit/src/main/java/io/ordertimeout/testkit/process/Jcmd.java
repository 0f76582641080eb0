package io.ordertimeout.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code jcmd} against a child JVM: what a TaskManager holds (class loaders, instances,
 * threads) seen from outside, without an agent or JMX port in the process under test.
 */
public final class Jcmd {

    private Jcmd() {}

    /** Runs {@code jcmd <pid> <command...>} and returns its output. */
    public static String run(long pid, String... command) {
        List<String> line = new ArrayList<>();
        line.add(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(String.valueOf(pid));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + line, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + line, e);
        }
    }

    /** A full GC ({@code GC.run}), {@code times} times: class loaders are unloaded in a full GC. */
    public static void fullGc(long pid, int times) {
        for (int i = 0; i < times; i++) {
            run(pid, "GC.run");
        }
    }

    /**
     * Live instances of a class ({@code GC.class_histogram}, which runs a full GC first), 0 if
     * none; counted over every class loader that loaded a class of that name.
     */
    public static long liveInstances(long pid, String className) {
        long count = 0;
        for (String row : run(pid, "GC.class_histogram").split("\n")) {
            String[] columns = row.trim().split("\\s+");
            if (columns.length >= 4 && columns[0].endsWith(":") && columns[3].equals(className)) {
                count += Long.parseLong(columns[1]);
            }
        }
        return count;
    }

    /** The names of the JVM's threads ({@code Thread.print}). */
    public static List<String> threadNames(long pid) {
        List<String> names = new ArrayList<>();
        for (String row : run(pid, "Thread.print").split("\n")) {
            if (row.startsWith("\"")) {
                int end = row.indexOf('"', 1);
                if (end > 0) {
                    names.add(row.substring(1, end));
                }
            }
        }
        return names;
    }
}
