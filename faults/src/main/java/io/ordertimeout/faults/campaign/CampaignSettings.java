package io.ordertimeout.faults.campaign;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one campaign runs: which faults and how many, how long they last, the shop's load and
 * payment window. {@link #fromArgs} reads {@code faults/run.sh}'s options.
 */
public record CampaignSettings(
        List<FaultKind> faults,
        Duration totalTime,
        String database,
        double ordersPerSecond,
        Duration payTimeout,
        Duration latePaymentDelay,
        Duration minDatabaseStop,
        Duration maxDatabaseStop,
        Duration databasePause,
        Duration brokerDown,
        Duration downtime,
        Duration minGap,
        int taskManagers,
        int slotsPerTaskManager,
        int[] parallelisms,
        long seed,
        Path jobJar,
        Path resultsDirectory) {

    public static final String USAGE = "faults/run.sh [--faults N] [--minutes M] [--db postgres|mariadb]"
            + " [--rate ORDERS_PER_S] [--seed S]";

    /** The kinds in the order the full campaign cycles through them. */
    static final List<FaultKind> CYCLE = List.of(FaultKind.TASK_MANAGER_KILL, FaultKind.DATABASE_STOP,
            FaultKind.RESCALE, FaultKind.BROKER_KILL, FaultKind.JOB_MANAGER_KILL, FaultKind.DATABASE_PAUSE, FaultKind.CANCEL_RESUME,
            FaultKind.DOWNTIME);

    public static CampaignSettings fromArgs(String[] args, Path jobJar, Path resultsDirectory) {
        int faults = 20;
        double minutes = 22;
        String database = "postgres";
        double rate = 5;
        long seed = 9;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--faults" -> faults = Integer.parseInt(require(args[i], value));
                case "--minutes" -> minutes = Double.parseDouble(require(args[i], value));
                case "--db" -> database = require(args[i], value).toLowerCase(Locale.ROOT);
                case "--rate" -> rate = Double.parseDouble(require(args[i], value));
                case "--seed" -> seed = Long.parseLong(require(args[i], value));
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; usage: " + USAGE);
            }
            i++;
        }
        if (faults < 1 || minutes <= 0 || rate <= 0 || !List.of("postgres", "mariadb").contains(database)) {
            throw new IllegalArgumentException("Bad options; usage: " + USAGE);
        }
        List<FaultKind> schedule = new ArrayList<>();
        for (int i = 0; i < faults; i++) {
            schedule.add(CYCLE.get(i % CYCLE.size()));
        }
        return new CampaignSettings(schedule, Duration.ofSeconds((long) (minutes * 60)), database, rate,
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120),
                Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(45), Duration.ofSeconds(5),
                2, 2, new int[] {2, 3, 1}, seed, jobJar, resultsDirectory);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value; usage: " + USAGE);
        }
        return value;
    }

    /** The parallelism the job starts with. */
    int initialParallelism() {
        return parallelisms[0];
    }

    /** The next parallelism after {@code current} in the 2 → 3 → 1 → 2 cycle. */
    int nextParallelism(int current) {
        for (int i = 0; i < parallelisms.length; i++) {
            if (parallelisms[i] == current) {
                return parallelisms[(i + 1) % parallelisms.length];
            }
        }
        return parallelisms[0];
    }
}
