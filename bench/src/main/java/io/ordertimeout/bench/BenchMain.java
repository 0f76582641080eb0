package io.ordertimeout.bench;

import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs every figure of one size and writes {@code bench/results/<date>-<size>.md} with PNG charts.
 * Usage: {@code bench/run.sh --size quick|full|smoke [--only operator,e2e,storm,live,state,scale]
 * [--pending 1000000,5000000] [--queues N] [--parallelism N] [--flink key=value ...]}.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        String sizeName = "quick";
        String only = null;
        List<Integer> scalePending = null;
        int queues = 4;
        Integer parallelism = null;
        Path results = Paths.get("bench/results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> sizeName = args[++i];
                case "--only" -> only = args[++i];
                case "--results" -> results = Paths.get(args[++i]);
                case "--queues" -> queues = Integer.parseInt(args[++i]);
                case "--flink" -> FlinkSettings.override(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--pending" -> scalePending = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --size smoke|quick|full [--only operator,e2e,storm,live,state,scale]"
                        + " [--pending N,N,... (scale)] [--queues N (e2e, default 4)] [--flink key=value ...]"
                        + " [--parallelism N (default 2)]"
                        + " [--results dir]");
            }
        }
        BenchSize size = BenchSize.named(sizeName);
        if (parallelism != null) {
            size = size.withParallelism(parallelism);
        }
        if (scalePending == null) {
            scalePending = size.scalePendingOrders();
        }
        // The scale curve is long at full size (10 M orders); it runs only when asked for.
        String allParts = "operator,e2e,storm,live,state";
        if (only == null) {
            only = allParts;
        }
        Report report = new Report(size, LocalDate.now(), only.equals(allParts) ? "" : only);
        long started = System.nanoTime();

        // --parallelism N measures at N only; without it full measures the operator and e2e at 1 and 2.
        List<Integer> parallelisms = parallelism != null ? List.of(parallelism) : size.throughputParallelisms();
        if (only.contains("operator")) {
            for (int p : parallelisms) {
                for (String variant : List.of(Contenders.JOB_ROCKSDB, Contenders.JOB_HEAP, Contenders.CEP)) {
                    double[] rates = new double[size.repetitions()];
                    for (int r = 0; r < rates.length; r++) {
                        rates[r] = OperatorThroughput.eventsPerSecond(variant, OperatorThroughput.events(variant, size), p);
                        log("operator " + variant + " p=" + p + " run " + (r + 1) + ": " + Math.round(rates[r]) + " events/s");
                    }
                    report.operator.put(parallelisms.size() > 1 ? variant + " p=" + p : variant, Repeated.of(rates));
                }
            }
        }

        boolean needsServers = only.contains("e2e") || only.contains("storm") || only.contains("live");
        try (EmbeddedRocketMq rocketMq = needsServers ? EmbeddedRocketMq.start() : null;
                BenchPostgres database = needsServers ? BenchPostgres.start() : null) {
            if (only.contains("e2e")) {
                EndToEndThroughput e2e = new EndToEndThroughput(rocketMq, database, size, queues);
                e2e.publishBacklog();
                report.e2eMessages = e2e.messages();
                report.e2eQueues = queues;
                report.e2eCloses = e2e.expectedCloses();
                // Not counted: the first pass over the backlog also warms the broker's page cache, the JIT
                // and RocksDB's first files (with a 20 k-order backlog it was 2.5-3.6x slower than the
                // next two passes).
                for (int p : parallelisms) {
                    log("e2e warm-up p=" + p + ": raw " + Math.round(e2e.rawConsumerRate()) + " msg/s, job "
                            + Math.round(e2e.jobRun(FlinkSettings.ROCKSDB, p).messagesPerSecond()) + " msg/s (not counted)");
                    double[] raw = new double[size.repetitions()];
                    double[] job = new double[size.repetitions()];
                    List<EndToEndThroughput.JobRun> runs = new ArrayList<>();
                    for (int r = 0; r < raw.length; r++) {
                        raw[r] = e2e.rawConsumerRate();
                        EndToEndThroughput.JobRun run = e2e.jobRun(FlinkSettings.ROCKSDB, p);
                        job[r] = run.messagesPerSecond();
                        runs.add(run);
                        log("e2e p=" + p + " run " + (r + 1) + ": raw " + Math.round(raw[r]) + " msg/s, job "
                                + Math.round(job[r]) + " msg/s (start " + run.startMillis() + " ms, reading "
                                + run.readMillis() + " ms, tail " + run.tailMillis() + " ms)");
                    }
                    report.endToEnd.put(p, new Report.EndToEnd(Repeated.of(raw), Repeated.of(job), runs));
                }
            }
            if (only.contains("storm")) {
                DeadlineStorm storm = new DeadlineStorm(rocketMq, database, size);
                for (String contender : List.of(Contenders.JOB_ROCKSDB, Contenders.DELAY)) {
                    report.storm.add(storm.run(contender));
                }
            }
            if (only.contains("live")) {
                for (String name : size.liveContenders()) {
                    LiveSetup setup = size.liveSetup(rocketMq, database, "live-" + name);
                    LiveResult result = LiveRun.run(database, setup, size.liveLoad(), Contenders.all().get(name),
                            size.closeWait());
                    log("live " + name + ": " + (result.correct() ? "correct" : result.mismatches().size() + " WRONG")
                            + ", closes " + result.closes() + "/" + result.expectedCloses() + ", steady " + result.steady()
                            + ", quiet " + result.quiet() + ", " + result.dbWork());
                    report.live.add(result);
                }
            }
        }
        if (only.contains("scale")) {
            Path work = Files.createTempDirectory("order-timeout-bench-scale-");
            for (int pending : scalePending) {
                StateSize.Result result = StateSize.measure(FlinkSettings.ROCKSDB, pending, size.parallelism(), work);
                log("scale " + result);
                report.scale.add(result);
            }
        }
        if (only.contains("state")) {
            Path work = Files.createTempDirectory("order-timeout-bench-state-");
            for (String backend : List.of(FlinkSettings.ROCKSDB, FlinkSettings.HEAP)) {
                StateSize.Result result = StateSize.measure(backend, size.pendingOrders(), size.parallelism(), work);
                log("state " + backend + ": " + result);
                report.state.add(result);
            }
        }
        report.totalSeconds = (System.nanoTime() - started) / 1e9;
        Path written = report.write(results);
        log("wrote " + written);
        System.exit(0);
    }

    static void log(String line) {
        System.out.println("[bench] " + line);
    }
}
