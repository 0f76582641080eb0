package io.ordertimeout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.sink.OrderDatabaseSinks;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.LiveCounters;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees in the web UI, read through the same REST API: the whole local system
 * (real broker, real PostgreSQL, the job on a MiniCluster with its REST endpoint on a free port)
 * under a short live workload. The job's vertices carry readable names, its own metrics exist
 * under {@code orderTimeout}, and they move with the workload: pendingOrders rises and falls back
 * to 0, closes matches the close decisions in the database, the lateness histogram fills, an
 * invalid message counts as a dead letter. The same job's Prometheus reporter endpoint, scraped
 * over HTTP as Prometheus would, shows the same moving values and the source's lag, every metric
 * the Grafana dashboard queries, and exactly the metrics the runbook's table names.
 */
class WebUiMetricsTest {

    private static final Duration PAY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** Liveness bound of DESIGN.md §4 plus a second for the JDBC sink's last batch. */
    private static final Duration CLOSE_WITHIN = IDLE_TIMEOUT.plus(OUT_OF_ORDERNESS).plusSeconds(2);
    private static final String TIMEOUT_OPERATOR = "Order_payment_timeout.orderTimeout.";
    /** Flink's Prometheus reporter: flink_ + logical scope + groups + name, joined by '_'. */
    static final String PROMETHEUS_OPERATOR = "flink_taskmanager_job_task_operator_";
    static final String PROMETHEUS_ORDER_TIMEOUT = PROMETHEUS_OPERATOR + JobMetrics.GROUP + "_";
    static final String PROMETHEUS_SOURCE_LAG = PROMETHEUS_OPERATOR + "rocketmq_topic_broker_queue_lag";
    static final String PROMETHEUS_PENDING_RECORDS = PROMETHEUS_OPERATOR + "pendingRecords";
    private static final Pattern PROMETHEUS_METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    @TempDir
    static Path workDirectory;

    private static LocalSystem system;
    private static FlinkRestClient rest;
    private static String jobId;

    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(new LocalSystem.Settings()
                .restBindPort("0")
                .payTimeout(PAY_TIMEOUT)
                .outOfOrderness(OUT_OF_ORDERNESS)
                .idleTimeout(IDLE_TIMEOUT)
                .checkpointInterval(Duration.ofSeconds(2))
                .workDirectory(workDirectory), step -> { });
        rest = new FlinkRestClient(system.restAddress());
        jobId = system.jobId().toString();
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void operatorsAndTheJobsMetricsAreVisibleAndMoveWithTheWorkload() throws Exception {
        awaitTrue("the job is RUNNING in /jobs", Duration.ofSeconds(30), () -> {
            for (JsonNode job : rest.get("jobs").path("jobs")) {
                if (job.path("id").asText().equals(jobId) && job.path("status").asText().equals("RUNNING")) {
                    return true;
                }
            }
            return false;
        });
        assertThat(webUiStartPage()).contains("Apache Flink Web Dashboard");

        List<FlinkRestClient.Vertex> vertices = rest.vertices(jobId);
        assertThat(vertices).extracting(FlinkRestClient.Vertex::name)
                .anySatisfy(name -> assertThat(name).startsWith("Source: RocketMQ order events")
                        .contains("Route dead letters"))
                // The close writer is chained to the state machine (it must commit a close before
                // the barrier reaches the refund writer, which is deliberately not chained).
                .anySatisfy(name -> assertThat(name).startsWith("Order payment timeout")
                        .contains(OrderDatabaseSinks.CLOSES_NAME))
                .anySatisfy(name -> assertThat(name).startsWith(OrderDatabaseSinks.REFUNDS_NAME));
        FlinkRestClient.Vertex timeoutVertex = vertex(vertices, "Order payment timeout");
        FlinkRestClient.Vertex sourceVertex = vertex(vertices, "Source: RocketMQ order events");

        JobMetrics metrics = new JobMetrics(rest, jobId);
        AtomicLong mostPending = new AtomicLong();
        PrometheusScrape beforeOrders = PrometheusScrape.of(system.prometheusAddress());
        AtomicLong mostPendingScraped = new AtomicLong();
        ShopWorkload.Plan plan = new ShopWorkload.Plan(20, PAY_TIMEOUT, Duration.ofSeconds(4), Duration.ofSeconds(3), 7);
        try (ShopWorkload shop = new ShopWorkload(plan, system.nameServerAddress(), LocalSystem.TOPIC,
                        system.shopConnections(), system.sqlFlavor());
                RocketMqEventPublisher publisher = RocketMqEventPublisher.start(system.nameServerAddress(),
                        LocalSystem.TOPIC, "web-ui-metrics-test")) {
            publisher.publish("not-an-order", "ORDER_CREATED", "{not json".getBytes(StandardCharsets.UTF_8));
            // Prometheus is sampled on a thread of its own, so that its scrapes never delay the
            // REST samples below (a loaded machine once left room for a single one).
            ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
            scraper.scheduleWithFixedDelay(() -> {
                try {
                    mostPendingScraped.accumulateAndGet(PrometheusScrape.of(system.prometheusAddress())
                            .sum(PROMETHEUS_ORDER_TIMEOUT + "pendingOrders").orElse(0.0).longValue(), Math::max);
                } catch (Exception e) {
                    // Not served yet; the next sample counts.
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            Function<LiveCounters, String> sampleRest = counters -> {
                try {
                    mostPending.accumulateAndGet(pendingOrders(metrics), Math::max);
                } catch (Exception e) {
                    // Metrics not served yet; the next sample counts.
                }
                return "web-ui-metrics-test shop: " + counters;
            };
            try {
                shop.createOrders(StopSignal.none(), Duration.ofMillis(500), sampleRest);
                assertThat(shop.awaitFollowUps(Duration.ofSeconds(1), sampleRest)).isTrue();
            } finally {
                scraper.shutdownNow();
            }
            awaitTrue("every order closed, paid or cancelled (pendingOrders back to 0)", Duration.ofSeconds(30), () -> {
                long pending = pendingOrders(metrics);
                mostPending.accumulateAndGet(pending, Math::max);
                return pending == 0 && closes(metrics) > 0;
            });
            GroundTruthReport report = shop.judge(CLOSE_WITHIN, Duration.ofSeconds(15), false);
            report.assertPassed();

            assertThat(mostPending.get()).as("most pendingOrders seen during the workload").isPositive();
            awaitTrue("closes equals the close decisions in the database", Duration.ofSeconds(10),
                    () -> closes(metrics) == report.actualAudits());
            assertThat(report.actualAudits()).isPositive();
            // refunds counts refund requests; the database writes them or its guard turns them down
            // (a payment the shop's order row had accepted before a late cancel).
            awaitTrue("every refund request decided by the database", Duration.ofSeconds(10), () -> {
                JobMetrics.Reading fresh = metrics.readFresh(LocalSystem.METRIC_FETCH_INTERVAL.plusMillis(300));
                return fresh.sum("refunds").orElse(-1L)
                        == fresh.sum("writtenRefunds").orElse(0L) + fresh.sum("guardBlockedRefunds").orElse(0L);
            });
            JobMetrics.Reading reading = metrics.readFresh(LocalSystem.METRIC_FETCH_INTERVAL.plusMillis(300));
            assertThat(reading.sum("writtenRefunds")).hasValue((long) report.actualRefunds());
            assertThat(reading.sum("appliedCloses").orElse(0L) + reading.sum("notPendingCloses").orElse(0L))
                    .as("every close decision committed with its outcome").isEqualTo(closes(metrics));
            assertThat(reading.sum("deadLetters")).hasValueSatisfying(count -> assertThat(count).isPositive());
            assertThat(reading.sum("eventsCreated")).hasValueSatisfying(
                    count -> assertThat(count).isGreaterThanOrEqualTo(shop.counters().created()));
            assertThat(reading.max("closeLatenessMillis_p99")).hasValueSatisfying(p99 -> assertThat(p99)
                    .isPositive().isLessThanOrEqualTo(CLOSE_WITHIN.toMillis()));

            PrometheusScrape scrape = PrometheusScrape.of(system.prometheusAddress());
            assertPrometheusShowsTheJobsMetricsMoving(beforeOrders, mostPendingScraped.get(), scrape, report,
                    shop.counters().created());
            assertEveryDashboardQueryNamesAScrapedMetric(scrape);
            assertTheRunbookMetricTableNamesExactlyTheScrapedMetrics(scrape);
        }

        // The per-subtask form the web UI's metric panel uses: <subtask>.<operator>.orderTimeout.<metric>.
        String perSubtask = IntStream.range(0, timeoutVertex.parallelism())
                .mapToObj(subtask -> subtask + "." + TIMEOUT_OPERATOR + "closes")
                .collect(Collectors.joining(","));
        long closesOverSubtasks = 0;
        for (JsonNode metric : rest.get("jobs/" + jobId + "/vertices/" + timeoutVertex.id() + "/metrics?get="
                + perSubtask)) {
            closesOverSubtasks += metric.path("value").asLong();
        }
        assertThat(closesOverSubtasks).isEqualTo(closes(metrics));
        assertThat(rest.subtaskMetricNames(jobId, timeoutVertex.id())).contains(
                TIMEOUT_OPERATOR + "pendingOrders", TIMEOUT_OPERATOR + "closeLatenessMillis_p99",
                TIMEOUT_OPERATOR + "watermarkLagMillis", TIMEOUT_OPERATOR + "duplicates");
        assertThat(rest.subtaskMetricNames(jobId, sourceVertex.id()))
                .contains("Route_dead_letters.orderTimeout.deadLetters")
                .anySatisfy(name -> assertThat(name).startsWith("Source__RocketMQ_order_events.rocketmq.")
                        .endsWith(".lag"));
    }

    /**
     * Prometheus' view, from a real scrape of the reporter's HTTP endpoint: the same counters as
     * the REST API, moved by the workload (nothing closed before it, pending orders rose during it
     * and fell back to 0, the histogram filled), and the source's lag and pendingRecords.
     */
    private static void assertPrometheusShowsTheJobsMetricsMoving(PrometheusScrape before, long mostPendingScraped,
            PrometheusScrape after, GroundTruthReport report, long created) {
        assertThat(before.sum(PROMETHEUS_ORDER_TIMEOUT + "closes").orElse(0.0)).as("closes before any order").isZero();
        assertThat(mostPendingScraped).as("most pendingOrders scraped during the workload").isPositive();
        assertThat(after.sum(PROMETHEUS_ORDER_TIMEOUT + "pendingOrders")).hasValue(0.0);
        assertThat(after.sum(PROMETHEUS_ORDER_TIMEOUT + "closes")).hasValue((double) report.actualAudits());
        assertThat(after.sum(PROMETHEUS_ORDER_TIMEOUT + "eventsCreated")).hasValueSatisfying(
                count -> assertThat(count).isGreaterThanOrEqualTo(created));
        assertThat(after.sum(PROMETHEUS_ORDER_TIMEOUT + "deadLetters")).hasValueSatisfying(
                count -> assertThat(count).isPositive());
        assertThat(after.max(PROMETHEUS_ORDER_TIMEOUT + "closeLatenessMillis", "quantile", "0.99"))
                .hasValueSatisfying(p99 -> assertThat(p99).isPositive().isLessThanOrEqualTo(CLOSE_WITHIN.toMillis()));
        assertThat(after.sum(PROMETHEUS_ORDER_TIMEOUT + "closeLatenessMillis_count"))
                .hasValue((double) report.actualAudits());
        assertThat(after.series(PROMETHEUS_SOURCE_LAG)).as("per-queue lag series")
                .hasSize(LocalSystem.QUEUES)
                .allSatisfy(series -> assertThat(series.labels()).containsKeys("topic", "broker", "queue"));
        assertThat(after.sum(PROMETHEUS_SOURCE_LAG)).hasValue(0.0);
        assertThat(after.series(PROMETHEUS_PENDING_RECORDS)).as("pendingRecords of the source's subtasks")
                .isNotEmpty();
    }

    /** Grafana (docker/grafana/dashboards) shows only what Prometheus really gets from the job. */
    private static void assertEveryDashboardQueryNamesAScrapedMetric(PrometheusScrape scrape) throws Exception {
        Set<String> queried = new TreeSet<>();
        try (Stream<Path> files = Files.list(repositoryRoot().resolve("docker/grafana/dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                for (JsonNode target : new ObjectMapper().readTree(file.toFile()).findValues("expr")) {
                    Matcher metric = PROMETHEUS_METRIC.matcher(target.asText());
                    while (metric.find()) {
                        queried.add(metric.group());
                    }
                }
            }
        }
        assertThat(queried).as("metrics the Grafana dashboards query").isNotEmpty()
                .allSatisfy(metric -> assertThat(scrape.names()).as("scraped metric names").contains(metric));
    }

    /**
     * docs/RUNBOOK.md §6 names exactly the job's and the source's metrics a scrape shows: each name
     * in the table's first column (short names are orderTimeout metrics) is scraped, and each
     * scraped orderTimeout or rocketmq metric is in the table.
     */
    private static void assertTheRunbookMetricTableNamesExactlyTheScrapedMetrics(PrometheusScrape scrape)
            throws Exception {
        String runbook = Files.readString(repositoryRoot().resolve("docs/RUNBOOK.md"));
        String section = runbook.substring(runbook.indexOf("## 6. Metrics and alerts"));
        Set<String> documented = new TreeSet<>();
        boolean inTable = false;
        for (String line : section.split("\n")) {
            if (line.startsWith("| metric |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("|---")) {
                Matcher name = Pattern.compile("`([A-Za-z_]+)`").matcher(line.split("\\|")[1]);
                while (name.find()) {
                    documented.add(name.group(1).startsWith("flink_") ? name.group(1)
                            : PROMETHEUS_ORDER_TIMEOUT + name.group(1));
                }
            }
        }
        Set<String> jobAndSourceMetrics = new TreeSet<>();
        for (String name : scrape.names()) {
            if (name.startsWith(PROMETHEUS_ORDER_TIMEOUT) || name.startsWith(PROMETHEUS_OPERATOR + "rocketmq_")) {
                jobAndSourceMetrics.add(name.replaceFirst("_count$", ""));
            }
        }
        assertThat(jobAndSourceMetrics).contains(PROMETHEUS_SOURCE_LAG, PROMETHEUS_ORDER_TIMEOUT + "closes");
        assertThat(documented).as("metrics in the table of docs/RUNBOOK.md section 6")
                .containsAll(jobAndSourceMetrics)
                .allSatisfy(metric -> assertThat(scrape.names()).as("scraped metric names").contains(metric));
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docs/RUNBOOK.md"))) {
                return dir;
            }
        }
        throw new AssertionError("no docs/RUNBOOK.md above " + Path.of("").toAbsolutePath());
    }

    private static long pendingOrders(JobMetrics metrics) throws Exception {
        return metrics.read().sum("pendingOrders").orElse(0L);
    }

    private static long closes(JobMetrics metrics) throws Exception {
        return metrics.read().sum("closes").orElse(0L);
    }

    private static FlinkRestClient.Vertex vertex(List<FlinkRestClient.Vertex> vertices, String namePrefix) {
        return vertices.stream().filter(v -> v.name().startsWith(namePrefix)).findFirst().orElseThrow();
    }

    private static String webUiStartPage() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(system.restAddress() + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        return page.body();
    }

    private static void awaitTrue(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (condition.call()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting until " + what, last);
    }
}
