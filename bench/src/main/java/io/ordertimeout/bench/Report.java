package io.ordertimeout.bench;

import io.ordertimeout.testkit.workload.LatenessStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The results file (markdown table, machine, parameters) and its PNG charts. */
final class Report {

    private final BenchSize size;
    private final LocalDate date;
    final Map<String, Repeated> operator = new LinkedHashMap<>();
    /** End to end by the job's parallelism: the raw consumer's runs, the job's, and where the job's time went. */
    record EndToEnd(Repeated rawConsumer, Repeated job, List<EndToEndThroughput.JobRun> jobRuns) {}

    final Map<Integer, EndToEnd> endToEnd = new LinkedHashMap<>();
    int e2eMessages;
    int e2eQueues = 4;
    int e2eCloses;
    final List<LiveResult> live = new ArrayList<>();
    final List<DeadlineStorm.Result> storm = new ArrayList<>();
    final List<StateSize.Result> state = new ArrayList<>();
    /** The state scale curve: RocksDB at growing numbers of pending orders. */
    final List<StateSize.Result> scale = new ArrayList<>();
    double totalSeconds;

    /** The parts run, when not all of them: part of the file name, so a partial run does not replace a whole one. */
    private final String parts;

    Report(BenchSize size, LocalDate date, String parts) {
        this.size = size;
        this.date = date;
        this.parts = parts;
    }

    Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = date + "-" + size.name() + (parts.isEmpty() ? "" : "-" + parts.replace(',', '-'));
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: ").append(size.name()).append(", ").append(date).append("\n\n");
        md.append(machine()).append("\n");
        md.append(parameters()).append("\n");
        if (!operator.isEmpty()) {
            md.append("## Timeout operator throughput (generated source, discarding sink)\n\n");
            md.append("Median of ").append(size.repetitions()).append(" runs (min–max), ")
                    .append(String.format("%,d", size.operatorEvents())).append(" events per run (CEP: ")
                    .append(String.format("%,d", OperatorThroughput.events(Contenders.CEP, size)))
                    .append(", it is too slow for more in this time budget).\n\n");
            md.append("| variant | events/s |\n|---|---:|\n");
            operator.forEach((name, rate) -> md.append("| ").append(name).append(" | ").append(rate.format("%,.0f")).append(" |\n"));
            md.append("\n");
        }
        endToEnd.forEach((parallelism, e2e) -> {
            md.append("## End to end: broker → job (RocksDB) → PostgreSQL, parallelism ").append(parallelism).append("\n\n");
            md.append(String.format("%,d", e2eMessages)).append(" messages already in the topic (").append(e2eQueues)
                    .append(" queues): ")
                    .append(String.format("%,d", size.endToEndOrders()))
                    .append(" orders, 70% paid in time, 15% never paid (").append(String.format("%,d", e2eCloses))
                    .append(" closes), 10% cancelled, 5% payment or cancel before the CREATED; no late payments. "
                            + "Job: RocksDB, parallelism ").append(parallelism)
                    .append(", its default poll batch (256), timed from RUNNING to the last close in PostgreSQL. "
                            + "Raw: one DefaultLitePullConsumer, pull batch 500, all queues from the beginning, no "
                            + "processing. One warm-up pass of each first, not counted. Median of ").append(size.repetitions())
                    .append(" runs (min–max).\n\n");
            md.append("| what | messages/s |\n|---|---:|\n");
            md.append("| raw lite-pull consumer (ceiling) | ").append(e2e.rawConsumer().format("%,.0f")).append(" |\n");
            md.append("| job, until the last close is in PostgreSQL | ").append(e2e.job().format("%,.0f")).append(" |\n");
            md.append("\n").append(endToEndRatio(e2e));
            md.append(endToEndPhases(e2e));
        });
        if (!storm.isEmpty()) {
            md.append(stormSection());
        }
        if (!live.isEmpty()) {
            md.append("## Live orders: correctness, close lateness, database work\n\n");
            md.append("One run per contender (lateness percentiles are over all closes of the run). "
                    + "\"steady\" = deadline while orders were still being created, \"quiet\" = deadline after creation "
                    + "stopped. DB work from pg_stat_statements for the contender's login only, divided by the orders it closed.\n\n");
            md.append("| contender | correct | closes | lateness steady p50 / p99 / max (ms) | lateness quiet p50 / p99 / max (ms) "
                    + "| statements / close | rows read / close | rows written / close | buffer pages / close |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (LiveResult r : live) {
                DbWork w = r.dbWork();
                md.append(String.format("| %s | %s | %d/%d | %s | %s | %.2f | %.2f | %.2f | %.1f |%n", r.contender(),
                        r.correct() ? "yes" : "NO (" + r.mismatches().size() + ")", r.closes(), r.expectedCloses(),
                        lateness(r.steady()), lateness(r.quiet()), w.per(r.closes(), w.statements()),
                        w.per(r.closes(), w.rowsRead()), w.per(r.closes(), w.rowsWritten()), w.per(r.closes(), w.bufferPages())));
            }
            md.append("\nPer *created* order (what each design costs the database for every order the shop takes,"
                    + " paid or not; the table held " + String.format("%,d", size.liveLoad().settledRows())
                    + " settled orders before the run):\n\n| contender | orders created | statements / created order |"
                    + " rows read / created order | rows written / created order | buffer pages / created order |"
                    + " buffer pages / statement |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (LiveResult r : live) {
                DbWork w = r.dbWork();
                md.append(String.format("| %s | %,d | %.3f | %.3f | %.3f | %.2f | %.1f |%n", r.contender(), r.orders(),
                        w.per(r.orders(), w.statements()), w.per(r.orders(), w.rowsRead()),
                        w.per(r.orders(), w.rowsWritten()), w.per(r.orders(), w.bufferPages()),
                        w.per(w.statements(), w.bufferPages())));
            }
            md.append("\nTotals per run (orders created, statements, rows read, rows written, buffer pages, run seconds):\n\n");
            for (LiveResult r : live) {
                DbWork w = r.dbWork();
                md.append(String.format("- %s: %d orders, %d statements, %d rows read, %d rows written, %d pages, %.0f s%n",
                        r.contender(), r.orders(), w.statements(), w.rowsRead(), w.rowsWritten(), w.bufferPages(),
                        r.runMillis() / 1000.0));
            }
            md.append("\n");
        }
        if (!state.isEmpty()) {
            md.append("## State per pending order and restore time\n\n");
            md.append("| backend | pending orders | savepoint (native) bytes | bytes / pending order | first event after restore (ms) | first event, no state (ms) |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (StateSize.Result s : state) {
                md.append(String.format("| %s | %,d | %,d | %.0f | %,d | %,d |%n", s.backend(), s.pendingOrders(), s.bytes(),
                        s.bytesPerOrder(), s.restoreMillis(), s.emptyStartMillis()));
            }
            md.append("\n");
        }
        if (!scale.isEmpty()) {
            md.append("## State at scale: RocksDB, growing numbers of pending orders\n\n");
            md.append("The state part's measurement (N CREATED-only orders, deadline a day away, through the job's"
                    + " function; native savepoint; restore = submission to the first event processed by the restored"
                    + " job) repeated for each N, RocksDB with RocksDB timers, parallelism " + size.parallelism()
                    + ". One measurement per N.\n\n");
            md.append("| pending orders | filled in (s) | new orders / s while filling | savepoint (native) bytes |"
                    + " bytes / pending order | savepoint took (ms) |"
                    + " first event after restore (ms) | first event, no state (ms) | restore − empty start (ms) |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StateSize.Result s : scale) {
                md.append(String.format("| %,d | %.1f | %,.0f | %,d | %.1f | %,d | %,d | %,d | %,d |%n", s.pendingOrders(),
                        s.fillMillis() / 1e3, s.fillRate(), s.bytes(),
                        s.bytesPerOrder(), s.savepointMillis(), s.restoreMillis(), s.emptyStartMillis(),
                        s.restoreMillis() - s.emptyStartMillis()));
            }
            md.append("\n");
        }
        md.append(String.format("Whole run: %.0f s.%n%n", totalSeconds));
        md.append(charts(directory, base));
        Path file = directory.resolve(base + ".md");
        Files.writeString(file, md.toString());
        return file;
    }

    private String stormSection() {
        StormSize s = size.storm();
        StringBuilder md = new StringBuilder("## Deadline storm: all deadlines in the same second\n\n");
        md.append(String.format("%,d orders created within one second, every tenth never paid (%,d closes), the rest paid"
                + " within the %d s payment window; all deadlines fall in one second. Same broker and database for both,"
                + " one after the other. \"last close\" = from the last deadline until the last unpaid order was seen"
                + " CLOSED in PostgreSQL (polled every 100 ms); lateness = closed_at − deadline per order. Job: RocksDB,"
                + " parallelism %d, out-of-orderness %d s, idle timeout %d s, checkpoint interval %d ms during the storm."
                + " Delay messages: one RocketMQ 5 timer message per order, a push consumer (2 threads) reads the order"
                + " and closes it if still pending.%n%n", s.orders(), s.unpaidOrders(), s.payWindow().toSeconds(),
                size.parallelism(), size.outOfOrderness().toSeconds(), size.idleTimeout().toSeconds(),
                s.checkpointInterval().toMillis()));
        md.append("| contender | correct | closes | last close after the last deadline (ms) | lateness p50 / p99 / max (ms)"
                + " | statements / close | rows read / close | buffer pages / close | harness setup (ms) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (DeadlineStorm.Result r : storm) {
            DbWork w = r.dbWork();
            md.append(String.format("| %s | %s | %,d/%,d | %s | %s | %.2f | %.2f | %.1f | %,d |%n", r.contender(),
                    r.correct() ? "yes" : "NO (" + r.wrongCount() + " wrong)", r.closes(), r.expectedCloses(),
                    r.lastCloseAfterDeadlineMs() < 0 ? "not all closed" : String.format("%,d", r.lastCloseAfterDeadlineMs()),
                    lateness(r.lateness()), w.per(r.closes(), w.statements()), w.per(r.closes(), w.rowsRead()),
                    w.per(r.closes(), w.bufferPages()), r.setupMillis()));
        }
        md.append("\n");
        for (DeadlineStorm.Result r : storm) {
            if (r.contender().equals(Contenders.JOB_ROCKSDB)) {
                md.append("Job checkpoints while the storm fired (completed after the first deadline, triggered before"
                        + " the last close was seen): ").append(checkpoints(r.stormCheckpoints()))
                        .append("; before the storm (after the harness finished): ").append(checkpoints(r.earlierCheckpoints()))
                        .append(".\n\n");
            }
        }
        DeadlineStorm.Result job = stormResult(Contenders.JOB_ROCKSDB);
        DeadlineStorm.Result delay = stormResult(Contenders.DELAY);
        if (job != null && delay != null && job.lastCloseAfterDeadlineMs() > 0 && delay.lastCloseAfterDeadlineMs() > 0) {
            md.append(String.format("Last close, delay messages / job: **%.1f×** (%,d ms vs %,d ms after the last deadline;"
                    + " the job's includes its %d s out-of-orderness bound).%n%n", (double) delay.lastCloseAfterDeadlineMs()
                    / job.lastCloseAfterDeadlineMs(), delay.lastCloseAfterDeadlineMs(), job.lastCloseAfterDeadlineMs(),
                    size.outOfOrderness().toSeconds()));
        }
        return md.toString();
    }

    private DeadlineStorm.Result stormResult(String contender) {
        return storm.stream().filter(r -> r.contender().equals(contender)).findFirst().orElse(null);
    }

    private static String checkpoints(List<StormJob.Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return "none";
        }
        long[] durations = checkpoints.stream().mapToLong(StormJob.Checkpoint::durationMs).sorted().toArray();
        return String.format("%d, duration median %,d ms, max %,d ms", durations.length, durations[durations.length / 2],
                durations[durations.length - 1]);
    }

    private static String lateness(LatenessStats stats) {
        return stats.count() == 0 ? "–" : stats.p50Ms() + " / " + stats.p99Ms() + " / " + stats.maxMs();
    }

    private String machine() {
        Runtime runtime = Runtime.getRuntime();
        String memory;
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        } catch (IOException | RuntimeException e) {
            memory = "unknown";
        }
        return "Machine: " + runtime.availableProcessors() + " cores, " + memory + ", JVM max heap "
                + runtime.maxMemory() / (1024 * 1024) + " MB, Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ". Flink 2.3.0 MiniCluster in this JVM, parallelism "
                + size.parallelism() + "; RocketMQ 5.3.3 name server and broker in child JVMs; PostgreSQL 17.6 (embedded)"
                + "; all on the same machine. Load average at the end (1, 5, 15 min): " + loadAverage() + ".\n";
    }

    /** Other work on the machine skews every figure; the file says how busy it was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private String parameters() {
        LiveLoad l = size.liveLoad();
        return "Parameters (size " + size.name() + "): repetitions " + size.repetitions() + "; operator events "
                + size.operatorEvents() + " (payment window " + OperatorThroughput.PAY_TIMEOUT.toSeconds()
                + " s event time, retention " + OperatorThroughput.RETENTION.toSeconds() + " s); end-to-end orders "
                + size.endToEndOrders() + "; live: " + l.ordersPerSecond() + " orders/s for " + l.duration().toSeconds()
                + " s, payment window " + l.payTimeout().toSeconds() + " s, late payments " + l.latePaymentDelay().toSeconds()
                + " s after the deadline, never-paid share " + l.neverPaidFraction() + " (rest: simulator default mix), seed "
                + l.seed() + "; job watermark out-of-orderness " + size.outOfOrderness().toSeconds() + " s, idle timeout "
                + size.idleTimeout().toSeconds() + " s; scanner interval " + size.scanInterval().toSeconds()
                + " s; settled rows in the orders table before each live run " + l.settledRows()
                + "; pending orders for state size " + size.pendingOrders() + "; managed memory "
                + FlinkSettings.MANAGED_MEMORY + " (4 slots)."
                + (FlinkSettings.overrides().isEmpty() ? "" : " Flink options given with --flink: " + FlinkSettings.overrides() + ".")
                + "\n";
    }

    /** Each job run is paired with the raw run just before it on the same backlog, so the ratio is per run. */
    private String endToEndRatio(EndToEnd e2e) {
        Repeated endToEnd = e2e.job();
        Repeated rawConsumer = e2e.rawConsumer();
        double[] ratios = new double[endToEnd.values().length];
        StringBuilder runs = new StringBuilder();
        for (int r = 0; r < ratios.length; r++) {
            ratios[r] = endToEnd.values()[r] / rawConsumer.values()[r];
            runs.append(r == 0 ? "" : ", ").append(String.format("%,.0f / %,.0f", endToEnd.values()[r], rawConsumer.values()[r]));
        }
        return "Ratio job / ceiling, per run (each job run against the raw run just before it): **"
                + Repeated.of(ratios).format("%.3f") + "** (median, min–max). Runs (job / raw msg/s): " + runs
                + ".\n\n";
    }

    /**
     * Where each job pass spent its time (from the keyed operator's numRecordsIn), and the rate
     * while reading against the raw consumer's: the part of the gap that is the job's processing
     * rather than its start and the wait for the last deadline.
     */
    private String endToEndPhases(EndToEnd e2e) {
        List<EndToEndThroughput.JobRun> jobRuns = e2e.jobRuns();
        Repeated rawConsumer = e2e.rawConsumer();
        if (jobRuns.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("Where the job's time went, per run: start = RUNNING until the keyed operator"
                + " took its first record; reading = until it took the last one; tail = until the last close was in"
                + " PostgreSQL (watermark past the last deadline, timers, the close writer's batch). Reading rate ="
                + " messages / reading time.\n\n| run | start (ms) | reading (ms) | tail (ms) | reading rate (msg/s) |"
                + " reading rate / raw |\n|---:|---:|---:|---:|---:|---:|\n");
        double[] readingRatios = new double[jobRuns.size()];
        for (int r = 0; r < jobRuns.size(); r++) {
            EndToEndThroughput.JobRun run = jobRuns.get(r);
            double readingRate = run.readingRate(e2eMessages);
            readingRatios[r] = readingRate / rawConsumer.values()[r];
            md.append(String.format("| %d | %,d | %,d | %,d | %,.0f | %.3f |%n", r + 1, run.startMillis(),
                    run.readMillis(), run.tailMillis(), readingRate, readingRatios[r]));
        }
        md.append("\nReading rate / raw consumer: **").append(Repeated.of(readingRatios).format("%.3f"))
                .append("** (median, min–max).\n\n");
        EndToEndThroughput.JobRun last = jobRuns.get(jobRuns.size() - 1);
        long total = last.cpuMillisByThreadKind().values().stream().mapToLong(Long::longValue).sum();
        md.append("CPU of the benchmark JVM's threads during the last job run (running until the last close), by"
                + " thread kind, Java and native (RocksDB) time together (ThreadMXBean; broker and PostgreSQL run in"
                + " their own processes and are not in it): ").append(String.format("%,d ms in all, %.1f µs per message", total,
                        total * 1000.0 / e2eMessages)).append(".\n\n| thread kind | CPU (ms) | share |\n|---|---:|---:|\n");
        last.cpuMillisByThreadKind().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() * 100 >= total)
                .forEach(e -> md.append(String.format("| `%s` | %,d | %.1f%% |%n", e.getKey(), e.getValue(),
                        100.0 * e.getValue() / Math.max(1, total))));
        return md.append("\n").toString();
    }

    private String charts(Path directory, String base) throws IOException {
        StringBuilder md = new StringBuilder();
        if (!operator.isEmpty() || !endToEnd.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(800).height(450).title("Throughput (median)")
                    .xAxisTitle("").yAxisTitle("events or messages per second").build();
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            operator.forEach((name, rate) -> {
                names.add("operator " + name);
                values.add(rate.median());
            });
            endToEnd.forEach((parallelism, e2e) -> {
                String suffix = endToEnd.size() > 1 ? " (p=" + parallelism + " run)" : "";
                names.add("raw consumer" + suffix);
                values.add(e2e.rawConsumer().median());
                names.add("end to end job" + (endToEnd.size() > 1 ? " p=" + parallelism : ""));
                values.add(e2e.job().median());
            });
            chart.getStyler().setLegendVisible(false);
            chart.addSeries("median", names, values);
            md.append(save(chart, directory, base + "-throughput.png", "Throughput"));
        }
        for (Map.Entry<Integer, EndToEnd> entry : endToEnd.entrySet()) {
            Repeated endToEnd = entry.getValue().job();
            Repeated rawConsumer = entry.getValue().rawConsumer();
            String suffix = this.endToEnd.size() > 1 ? "-p" + entry.getKey() : "";
            CategoryChart runs = new CategoryChartBuilder().width(800).height(450)
                    .title("End to end vs raw consumer, per run (" + e2eMessages + " messages)")
                    .xAxisTitle("").yAxisTitle("messages per second").build();
            List<String> names = new ArrayList<>();
            for (int r = 1; r <= endToEnd.values().length; r++) {
                names.add("run " + r);
            }
            runs.addSeries("raw lite-pull consumer", names, Arrays.stream(rawConsumer.values()).boxed().toList());
            runs.addSeries("job, broker to PostgreSQL", names, Arrays.stream(endToEnd.values()).boxed().toList());
            md.append(save(runs, directory, base + "-e2e" + suffix + ".png", "End to end vs raw consumer"
                    + (suffix.isEmpty() ? "" : ", parallelism " + entry.getKey())));
        }
        if (!storm.isEmpty()) {
            XYChart closes = new XYChartBuilder().width(800).height(450)
                    .title("Deadline storm: closes after the first deadline (" + String.format("%,d", size.storm().orders())
                            + " orders)")
                    .xAxisTitle("seconds after the first deadline (closed_at)").yAxisTitle("orders closed").build();
            for (DeadlineStorm.Result r : storm) {
                long[] sorted = r.closedAfterFirstDeadlineMillis().clone();
                Arrays.sort(sorted);
                if (sorted.length == 0) {
                    continue;
                }
                // At most ~1000 points per series: the chart is a cumulative count, not a table.
                int step = Math.max(1, sorted.length / 1000);
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int i = 0; i < sorted.length; i += step) {
                    x.add(sorted[i] / 1000.0);
                    y.add(i + 1.0);
                }
                x.add(sorted[sorted.length - 1] / 1000.0);
                y.add((double) sorted.length);
                closes.addSeries(r.contender(), x, y).setMarker(SeriesMarkers.NONE);
            }
            md.append(save(closes, directory, base + "-storm.png", "Deadline storm"));
        }
        if (!scale.isEmpty()) {
            List<Double> millions = scale.stream().map(r -> r.pendingOrders() / 1e6).toList();
            XYChart bytes = new XYChartBuilder().width(800).height(450).title("RocksDB savepoint size by pending orders")
                    .xAxisTitle("pending orders, millions").yAxisTitle("savepoint, MB").build();
            bytes.addSeries("native savepoint", millions, scale.stream().map(r -> r.bytes() / 1e6).toList());
            md.append(save(bytes, directory, base + "-scale-bytes.png", "State size by pending orders"));
            XYChart restore = new XYChartBuilder().width(800).height(450).title("RocksDB restore by pending orders")
                    .xAxisTitle("pending orders, millions").yAxisTitle("milliseconds").build();
            restore.addSeries("first event after restore", millions,
                    scale.stream().map(r -> (double) r.restoreMillis()).toList());
            restore.addSeries("first event, no state", millions,
                    scale.stream().map(r -> (double) r.emptyStartMillis()).toList());
            restore.addSeries("savepoint took", millions, scale.stream().map(r -> (double) r.savepointMillis()).toList());
            md.append(save(restore, directory, base + "-scale-restore.png", "Restore and savepoint time by pending orders"));
        }
        if (!live.isEmpty()) {
            XYChart cdf = new XYChartBuilder().width(800).height(450).title("Close lateness (closed_at − deadline)")
                    .xAxisTitle("lateness, seconds").yAxisTitle("share of closes").build();
            for (LiveResult r : live) {
                long[] sorted = r.latenessMillis().clone();
                Arrays.sort(sorted);
                if (sorted.length == 0) {
                    continue;
                }
                double[] x = new double[sorted.length];
                double[] y = new double[sorted.length];
                for (int i = 0; i < sorted.length; i++) {
                    x[i] = sorted[i] / 1000.0;
                    y[i] = (i + 1.0) / sorted.length;
                }
                cdf.addSeries(r.contender(), x, y).setMarker(SeriesMarkers.NONE);
            }
            md.append(save(cdf, directory, base + "-lateness.png", "Lateness distribution"));

            CategoryChart work = new CategoryChartBuilder().width(800).height(450).title("Database work per closed order")
                    .xAxisTitle("").yAxisTitle("per closed order").build();
            List<String> names = live.stream().map(LiveResult::contender).toList();
            work.addSeries("statements", names, live.stream().map(r -> r.dbWork().per(r.closes(), r.dbWork().statements())).toList());
            work.addSeries("rows read", names, live.stream().map(r -> r.dbWork().per(r.closes(), r.dbWork().rowsRead())).toList());
            work.addSeries("rows written", names, live.stream().map(r -> r.dbWork().per(r.closes(), r.dbWork().rowsWritten())).toList());
            md.append(save(work, directory, base + "-db-work.png", "DB work per closed order"));
        }
        return md.toString();
    }

    private static String save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path directory, String file,
            String title) throws IOException {
        BitmapEncoder.saveBitmap(chart, directory.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return "![" + title + "](" + file + ")\n\n";
    }
}
