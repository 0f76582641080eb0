package io.ordertimeout.bench;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every parameter of one benchmark size. The live timing of quick is shortened (5 s payment
 * window, 5 s scan interval) so that all contenders fit in a few minutes; the job keeps its
 * production watermark settings (5 s out-of-orderness, 10 s idle timeout) except in smoke.
 */
record BenchSize(
        String name,
        int repetitions,
        long operatorEvents,
        int endToEndOrders,
        LiveLoad liveLoad,
        Duration outOfOrderness,
        Duration idleTimeout,
        Duration scanInterval,
        Duration closeWait,
        List<String> liveContenders,
        int pendingOrders,
        int parallelism) {

    static final BenchSize SMOKE = new BenchSize("smoke", 1, 100_000, 2_000,
            new LiveLoad(30, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1), 0.3, 7, 1_000),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30),
            List.of(Contenders.JOB_ROCKSDB, Contenders.SCANNER, Contenders.DELAY, Contenders.CEP), 10_000, 2);

    static final BenchSize QUICK = new BenchSize("quick", 3, 1_000_000, 100_000,
            new LiveLoad(50, Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(3), 0.10, 7, 100_000),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(60),
            List.of(Contenders.JOB_ROCKSDB, Contenders.SCANNER, Contenders.DELAY, Contenders.CEP), 200_000, 2);

    static final BenchSize FULL = new BenchSize("full", 5, 5_000_000, 200_000,
            new LiveLoad(200, Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofSeconds(15), 0.10, 7, 1_000_000),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5),
            // The three designs on the 1 M-row table; heap and CEP live runs are in quick (each full run is ~8 min).
            List.of(Contenders.JOB_ROCKSDB, Contenders.SCANNER, Contenders.DELAY),
            1_000_000, 2);

    /**
     * The parallelisms the operator and end-to-end parts are measured at, the size's own last
     * (full: 1 and 2, the curve); {@code --parallelism} makes it one.
     */
    List<Integer> throughputParallelisms() {
        return name.equals("full") && parallelism > 1 ? List.of(1, parallelism) : List.of(parallelism);
    }

    /** The same size at another parallelism ({@code --parallelism}, for the p = 1 vs p = 2 curves). */
    BenchSize withParallelism(int otherParallelism) {
        return new BenchSize(name, repetitions, operatorEvents, endToEndOrders, liveLoad, outOfOrderness, idleTimeout,
                scanInterval, closeWait, liveContenders, pendingOrders, otherParallelism);
    }

    static BenchSize named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "smoke":
                return SMOKE;
            case "quick":
                return QUICK;
            case "full":
                return FULL;
            default:
                throw new IllegalArgumentException("--size must be smoke, quick or full, got " + name);
        }
    }

    /**
     * Pending orders of the state scale curve (RocksDB only: the heap backend would need the
     * whole state on a 3 GB heap). Full is the 1 M, 5 M and 10 M.
     */
    List<Integer> scalePendingOrders() {
        switch (name) {
            case "smoke":
                return List.of(5_000, 10_000);
            case "quick":
                return List.of(200_000, 1_000_000);
            default:
                return List.of(1_000_000, 5_000_000, 10_000_000);
        }
    }

    StormSize storm() {
        switch (name) {
            case "smoke":
                return new StormSize(1_000, Duration.ofSeconds(6), Duration.ofSeconds(1), Duration.ofSeconds(30));
            case "quick":
                return new StormSize(100_000, Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(3));
            default:
                return new StormSize(1_000_000, Duration.ofMinutes(6), Duration.ofSeconds(10), Duration.ofMinutes(20));
        }
    }

    LiveSetup liveSetup(EmbeddedRocketMq rocketMq, BenchPostgres database, String topic) {
        return new LiveSetup(rocketMq, database, topic, liveLoad.payTimeout(), outOfOrderness, idleTimeout,
                scanInterval, parallelism);
    }
}
