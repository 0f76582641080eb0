package io.ordertimeout.testkit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a POSIX signal with {@code kill}: Java's process API can only terminate, not stop or
 * continue a process.
 */
final class ProcessSignals {

    private ProcessSignals() {}

    /**
     * Signals {@code main} and {@code others}; fails only if {@code main} is gone (others, such as
     * database backends, may exit between listing and signalling). Returns how many were signalled.
     */
    static int send(String signal, ProcessHandle main, List<ProcessHandle> others) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(main.pid())));
        others.forEach(other -> command.add(String.valueOf(other.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0 && !main.isAlive()) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal, e);
        }
        return command.size() - 2;
    }
}
