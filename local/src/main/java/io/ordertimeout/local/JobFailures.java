package io.ordertimeout.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a job is not RUNNING: the latest entry of its exception history ({@code /jobs/<id>/exceptions},
 * the web UI's "Exceptions" tab) boiled down to its root cause, e.g. the database's
 * "Access denied for user ...". A job that restarts for ever otherwise shows only "RESTARTING".
 */
public final class JobFailures {

    /** Lines of the root cause's message that are shown; a stack trace is not. */
    static final int MAX_MESSAGE_LINES = 3;

    /** One failure: when, in which task, and the innermost cause (exception class and message). */
    public record Failure(long timestamp, String taskName, String rootCause) {

        /** A line or a few for the console, with a hint where the cause is a known setup mistake. */
        public String describe() {
            return "latest failure" + (taskName.isEmpty() ? "" : " in " + taskName) + ": " + rootCause
                    + hint(rootCause).map(hint -> "\n  hint: " + hint).orElse("");
        }
    }

    /**
     * MySQL/MariaDB match the most specific host first, so the anonymous users of a default
     * install (''@'localhost') shadow 'order_timeout_job'@'%' and a right password is refused.
     */
    static final String ANONYMOUS_USERS_HINT = "if the password is right, anonymous MySQL/MariaDB users"
            + " (SELECT user, host FROM mysql.user WHERE user = '') may shadow the job's login: drop them"
            + " (docs/RUNBOOK.md, Troubleshooting)";

    static Optional<String> hint(String rootCause) {
        return rootCause.contains("Access denied for user") ? Optional.of(ANONYMOUS_USERS_HINT) : Optional.empty();
    }

    private final FlinkRestClient rest;
    private final String jobId;
    private String lastReported;

    public JobFailures(FlinkRestClient rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /** The job's latest failure, or empty when it has none. */
    public Optional<Failure> latest() throws IOException {
        JsonNode entries = rest.get("jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        JsonNode newest = null;
        for (JsonNode entry : entries) {
            if (newest == null || entry.path("timestamp").asLong() > newest.path("timestamp").asLong()) {
                newest = entry;
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        String stacktrace = newest.path("stacktrace").asText("");
        String rootCause = stacktrace.isBlank() ? newest.path("exceptionName").asText("unknown") : rootCause(stacktrace);
        return Optional.of(new Failure(newest.path("timestamp").asLong(), newest.path("taskName").asText(""),
                rootCause));
    }

    /**
     * The latest failure if its root cause is not the one this instance returned last: a job that
     * fails the same way on every restart is reported once, a new cause again.
     */
    public synchronized Optional<Failure> unreported() throws IOException {
        Optional<Failure> latest = latest();
        if (latest.isEmpty() || latest.get().rootCause().equals(lastReported)) {
            return Optional.empty();
        }
        lastReported = latest.get().rootCause();
        return latest;
    }

    /**
     * The innermost exception of a Java stack trace: its last "Caused by:" (or, without one, its
     * first line), with the message's continuation lines up to {@link #MAX_MESSAGE_LINES}.
     */
    static String rootCause(String stacktrace) {
        String[] lines = stacktrace.split("\\R");
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("Caused by: ")) {
                start = i;
            }
        }
        List<String> message = new ArrayList<>();
        message.add(lines[start].startsWith("Caused by: ") ? lines[start].substring("Caused by: ".length())
                : lines[start]);
        for (int i = start + 1; i < lines.length && message.size() < MAX_MESSAGE_LINES; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith("at ") || trimmed.startsWith("... ") || trimmed.startsWith("Suppressed: ")
                    || trimmed.startsWith("Caused by: ")) {
                break;
            }
            message.add(line);
        }
        return String.join("\n", message).strip();
    }
}
