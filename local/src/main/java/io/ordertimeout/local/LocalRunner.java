package io.ordertimeout.local;

import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.local.CommandLine.UsageException;
import io.ordertimeout.sink.JdbcSinkSettings;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.LiveCounters;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./run-local.sh}: the whole system on this machine (see {@link LocalRunOptions#HELP}),
 * live orders for a while, then a verdict from the database: every unpaid order closed once, no
 * paid or cancelled order closed, one refund per payment that came after the close or a cancel.
 * Exit code 0 on PASS, 1 on FAIL, 2 on a usage or start-up error.
 */
public final class LocalRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Once the verdict may be given, how long the job gets to catch up before it counts as FAIL. */
    private static final Duration VERDICT_GRACE = Duration.ofSeconds(20);
    /** Time for the JDBC sink to flush its last batch (its interval is 200 ms by default). */
    private static final Duration FLUSH_MARGIN = Duration.ofSeconds(1);
    /** A little more than the metric fetcher's update interval that LocalSystem sets. */
    private static final Duration METRICS_SETTLE = LocalSystem.METRIC_FETCH_INTERVAL.plusMillis(300);

    private final LocalRunOptions options;
    private final StopSignal stop;

    private LocalRunner(LocalRunOptions options, StopSignal stop) {
        this.options = options;
        this.stop = stop;
    }

    public static void main(String[] args) {
        LocalRunOptions options;
        try {
            options = LocalRunOptions.parse(args);
        } catch (UsageException e) {
            System.err.println("run-local: " + e.getMessage() + "\n\n" + LocalRunOptions.HELP);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LocalRunOptions.HELP);
            System.exit(0);
        }
        if (options.flinkRest() != null) {
            System.out.print(externalClusterCommands(options));
            System.exit(0);
        }
        int exitCode;
        try {
            exitCode = new LocalRunner(options, StopSignal.install("INT")).run();
        } catch (Exception e) {
            LOG.error("Local run failed", e);
            Console.line("ERROR: " + e + " (details in " + options.workDirectory().resolve("local-run.log") + ")");
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    private int run() throws Exception {
        long startNanos = System.nanoTime();
        Console.line(String.format("order-timeout local run: %s orders/s for %d s, pay timeout %d s; logs in %s",
                formatRate(options.rate()), options.duration().toSeconds(), options.payTimeout().toSeconds(),
                options.workDirectory().resolve("local-run.log")));
        LocalSystem system = LocalSystem.start(options.systemSettings(), Console::line);
        Thread closer = new Thread(system::close, "local-system-stop");
        Runtime.getRuntime().addShutdownHook(closer);
        try (system) {
            int exitCode = runWorkload(system, startNanos);
            Console.line("Stopping the job, the broker and the database ...");
            return exitCode;
        } finally {
            removeHook(closer);
            Console.line("Stopped (" + seconds(startNanos) + " s in all).");
        }
    }

    private int runWorkload(LocalSystem system, long startNanos) throws Exception {
        FlinkRestClient rest = new FlinkRestClient(system.restAddress());
        JobMetrics metrics = new JobMetrics(rest, system.jobId().toString());
        JobFailures failures = new JobFailures(rest, system.jobId().toString());
        // No need to wait until the job runs: it reads the topic from the beginning.
        Console.line("Web UI: " + system.restAddress() + "  (job " + system.jobId() + ")  Prometheus: "
                + system.prometheusAddress());
        ShopWorkload.Plan plan = new ShopWorkload.Plan(options.rate(), options.payTimeout(),
                options.latePaymentDelay(), options.duration(), options.seed());
        try (ShopWorkload shop = new ShopWorkload(plan, system.nameServerAddress(), LocalSystem.TOPIC,
                system.shopConnections(), system.sqlFlavor())) {
            if (stop.requested()) {
                Console.line("Stopped before any order was created.");
                return 130;
            }
            Console.line("Creating orders (progress: shop counters | job metrics from the REST API)");
            shop.createOrders(stop, options.progressInterval(), counters -> progress(counters, metrics, failures));
            Console.line(String.format("Stopped creating after %d orders. Waiting for payments still due and the"
                    + " last deadline (%s) ...", shop.counters().created(), time(shop.lastDeadline())));
            if (!shop.awaitFollowUps(options.progressInterval(), counters -> progress(counters, metrics, failures))) {
                Console.line("Some payments are still scheduled; checking anyway");
            }
            // An order is closed within idle timeout + out-of-orderness + 1 s of its deadline (DESIGN.md §4).
            Duration closeWithin = options.idleTimeout().plus(options.outOfOrderness()).plusSeconds(1)
                    .plus(FLUSH_MARGIN);
            Console.line("Checking the database ...");
            GroundTruthReport report = shop.judge(closeWithin, VERDICT_GRACE, system.embeddedDatabase());
            Console.line(progress(shop.counters(), metrics, failures));
            printVerdict(report, shop.counters(), startNanos);
            return report.passed() ? 0 : 1;
        }
    }

    private static void printVerdict(GroundTruthReport report, LiveCounters shop, long startNanos) {
        for (String line : report.summary().split("\n")) {
            Console.line(line);
        }
        int closed = report.actualStatusCounts().getOrDefault("CLOSED", 0);
        int paid = report.actualStatusCounts().getOrDefault("PAID", 0);
        int cancelled = report.actualStatusCounts().getOrDefault("CANCELLED", 0);
        Console.line(String.format("%s: %d orders: %d closed by the job (every unpaid one, once), %d paid, %d cancelled"
                        + " (none of them closed), %d refunds for %d late payments and %d payments after a cancel;"
                        + " close lateness p50 %d ms, p99 %d ms; %d s after start",
                report.passed() ? "PASS" : "FAIL", shop.created(), closed, paid, cancelled, report.actualRefunds(),
                shop.latePaid(), shop.paidAfterCancel(), report.lateness().p50Ms(), report.lateness().p99Ms(),
                seconds(startNanos)));
    }

    private static String progress(LiveCounters shop, JobMetrics metrics, JobFailures failures) {
        String job;
        try {
            String state = metrics.jobState();
            if (!"RUNNING".equals(state)) {
                // Why it is not running, e.g. the database refusing the job's login; once per cause.
                failures.unreported().ifPresent(failure -> Console.line("job " + state + ", " + failure.describe()));
            }
            JobMetrics.Reading reading = metrics.readFresh(METRICS_SETTLE);
            job = ("RUNNING".equals(state) ? "" : "job " + state + " ") + String.format("pending=%s closed=%s refunds=%s dead-letters=%s lateness p50/p99=%s/%s ms",
                    value(reading.sum("pendingOrders")), value(reading.sum("closes")), value(reading.sum("refunds")),
                    value(reading.sum("deadLetters")), value(reading.max("closeLatenessMillis_median")),
                    value(reading.max("closeLatenessMillis_p99")));
        } catch (IOException e) {
            LOG.warn("Reading the job's metrics failed: {}", e.toString());
            job = "(metrics unavailable)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job = "(interrupted)";
        }
        return String.format("created=%d paid=%d cancelled=%d | %s", shop.created(), shop.paid(), shop.cancelled(), job);
    }

    /** What to run instead when the job is to run on a Flink cluster elsewhere (see --flink-rest in the help). */
    static String externalClusterCommands(LocalRunOptions options) {
        ExternalDatabase database = options.database();
        String continuation = " \\\n    ";
        StringBuilder text = new StringBuilder();
        text.append("This runner starts its own Flink; a cluster elsewhere needs the job jar. Build it and submit it\n")
                .append("with the Flink CLI of that cluster (docs/RUNBOOK.md, section 1):\n\n")
                .append("  ./mvnw -B -q -pl local -am package -DskipTests     # the job jar and the generator\n")
                .append("  export ").append(JdbcSinkSettings.PASSWORD_ENV)
                .append("=...   # the job's database password; must reach the TaskManagers too\n")
                .append("  flink run -d -m ").append(options.flinkRest()).append(" -p ").append(options.parallelism());
        appendOption(text, continuation, OrderTimeoutOptions.ROCKETMQ_NAMESRV.key(), options.nameServer());
        appendOption(text, continuation, OrderTimeoutOptions.ROCKETMQ_TOPIC.key(), LocalSystem.TOPIC);
        appendOption(text, continuation, OrderTimeoutOptions.JDBC_URL.key(), database.jdbcUrl());
        appendOption(text, continuation, OrderTimeoutOptions.JDBC_USER.key(), database.jobUser());
        appendOption(text, continuation, OrderTimeoutOptions.PAY_TIMEOUT.key(), options.payTimeout().toSeconds() + "s");
        appendOption(text, continuation, OrderTimeoutOptions.OUT_OF_ORDERNESS.key(),
                options.outOfOrderness().toMillis() + "ms");
        appendOption(text, continuation, OrderTimeoutOptions.IDLE_TIMEOUT.key(), options.idleTimeout().toMillis() + "ms");
        text.append(continuation).append("job/target/order-timeout-job-0.1.0-SNAPSHOT-flink.jar\n")
                .append("  # add -Dexecution.checkpointing.dir=<storage all Flink processes share> unless the cluster sets it\n\n")
                .append("Then create orders and judge the run with the generator (it plays the shop, so its login\n")
                .append("must be allowed to insert orders):\n\n")
                .append("  export SHOP_DB_PASSWORD=...\n")
                .append("  java -cp \"local/target/order-timeout-local-0.1.0-SNAPSHOT.jar:$(cat local/target/runtime.classpath)\"")
                .append(" io.ordertimeout.local.WorkloadGeneratorMain")
                .append(continuation).append("--namesrv '").append(options.nameServer()).append("' --topic ")
                .append(LocalSystem.TOPIC)
                .append(continuation).append("--jdbc-url '").append(database.jdbcUrl()).append("' --jdbc-user ")
                .append(database.shopUser()).append(" --jdbc-password-env SHOP_DB_PASSWORD")
                .append(continuation).append("--rate ").append(formatRate(options.rate()))
                .append(" --pay-timeout ").append(options.payTimeout().toSeconds()).append("s")
                .append(" --late-payment-delay ").append(options.latePaymentDelay().toSeconds()).append("s")
                .append(" --duration ").append(options.duration().toSeconds()).append("s")
                .append(continuation).append("--check --close-within ")
                .append(options.idleTimeout().plus(options.outOfOrderness()).plusSeconds(2).toSeconds()).append("s\n");
        return text.toString();
    }

    private static void appendOption(StringBuilder text, String continuation, String key, String value) {
        text.append(continuation).append("'-D").append(key).append('=').append(value).append('\'');
    }

    private static String formatRate(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }

    private static String value(Optional<Long> value) {
        return value.map(String::valueOf).orElse("-");
    }

    private static String time(java.time.Instant instant) {
        return LocalTime.ofInstant(instant, ZoneId.systemDefault()).format(TIME);
    }

    private static long seconds(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs or ran; it does the same.
        }
    }
}
