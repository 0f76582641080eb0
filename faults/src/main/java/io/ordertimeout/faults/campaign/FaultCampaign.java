package io.ordertimeout.faults.campaign;

import io.ordertimeout.testkit.db.EmbeddedMariaDbDatabase;
import io.ordertimeout.testkit.db.EmbeddedPostgresDatabase;
import io.ordertimeout.testkit.db.FaultInjectableDatabase;
import io.ordertimeout.testkit.flink.FlinkTestCluster;
import io.ordertimeout.testkit.rocketmq.EmbeddedRocketMq;
import io.ordertimeout.testkit.workload.DatabaseSnapshot;
import io.ordertimeout.testkit.workload.ExpectedOutcome;
import io.ordertimeout.testkit.workload.GroundTruthCheck;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.LiveOrderSimulator;
import io.ordertimeout.testkit.workload.OrderRowStatus;
import io.ordertimeout.testkit.workload.QueueSelection;
import io.ordertimeout.testkit.workload.RocketMqEventPublisher;
import io.ordertimeout.testkit.workload.SqlFlavor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault campaign of DESIGN.md §9: the live shop (orders created, paid in time, paid late,
 * cancelled, duplicated, poison messages) runs against the job's fat jar on a real Flink cluster,
 * a real broker and a real database while faults are injected on a schedule; at the end the
 * database is judged row by row against what the shop really did ({@link GroundTruthCheck}).
 */
public final class FaultCampaign {

    private static final Logger LOG = LoggerFactory.getLogger(FaultCampaign.class);
    private static final String TOPIC = "order-events";
    private static final int QUEUES = 4;
    private static final String JOB_PASSWORD = "fault-campaign-job-pw";
    private static final String DEAD_LETTER_TABLE = "order_event_dead_letter";
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration PUBLISH_GIVE_UP = Duration.ofMinutes(3);

    private final CampaignSettings settings;
    private final List<String> notes = new ArrayList<>();
    private final Map<FaultKind, Integer> injectedPerKind = new EnumMap<>(FaultKind.class);
    private FaultInjectableDatabase database;
    private EmbeddedRocketMq broker;
    private FlinkTestCluster cluster;
    private JobUnderTest job;
    private CloseFlowMonitor closes;

    private FaultCampaign(CampaignSettings settings) {
        this.settings = settings;
    }

    public static CampaignResult run(CampaignSettings settings) throws Exception {
        return new FaultCampaign(settings).run();
    }

    private CampaignResult run() throws Exception {
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        database = "mariadb".equals(settings.database()) ? EmbeddedMariaDbDatabase.start()
                : EmbeddedPostgresDatabase.start();
        try {
            database.applySchema();
            database.createJobUser(JOB_PASSWORD);
            broker = EmbeddedRocketMq.start();
            broker.createTopic(TOPIC, QUEUES);
            FlinkTestCluster.Builder clusterBuilder = FlinkTestCluster.builder()
                    .taskManagers(settings.taskManagers())
                    .slotsPerTaskManager(settings.slotsPerTaskManager());
            if (settings.faults().contains(FaultKind.JOB_MANAGER_KILL)) {
                // Only with HA (ZooKeeper) does a job survive its JobManager; it costs a JVM more.
                clusterBuilder.highAvailability();
            }
            cluster = clusterBuilder.start();
            job = new JobUnderTest(cluster, settings.jobJar(), programArgs());
            job.submit(settings.initialParallelism());
            return runShop(started, startNanos);
        } finally {
            closeQuietly(cluster);
            closeQuietly(broker);
            closeQuietly(database);
        }
    }

    private CampaignResult runShop(Instant started, long startNanos) throws Exception {
        JdbcConnectionFactory admin = database::adminConnection;
        SqlFlavor flavor = "mariadb".equals(settings.database()) ? SqlFlavor.MYSQL : SqlFlavor.POSTGRES;
        List<FaultRecord> records = new ArrayList<>();
        ExpectedOutcome expected;
        RetryingEventPublisher publisher;
        LiveOrderSimulator shop;
        try (CloseFlowMonitor monitor = new CloseFlowMonitor(admin);
                RocketMqEventPublisher events = RocketMqEventPublisher.start(broker.nameServerAddress(), TOPIC,
                        "fault-campaign-shop", QueueSelection.ORDER_ID_HASH)) {
            closes = monitor;
            publisher = new RetryingEventPublisher(events, PUBLISH_GIVE_UP);
            shop = LiveOrderSimulator.builder()
                    .publisher(publisher)
                    .database(admin, flavor)
                    .ordersPerSecond(settings.ordersPerSecond())
                    .payTimeout(settings.payTimeout())
                    .latePaymentDelay(settings.latePaymentDelay())
                    .invalidFraction(0.02)
                    .workers(4)
                    .maxDuration(Duration.ofHours(2))
                    .seed(settings.seed())
                    .build();
            try {
                shop.start();
                Instant warmUp = Instant.now();
                if (monitor.awaitClosesAfter(warmUp, settings.payTimeout().plus(RECOVERY_TIMEOUT)).isEmpty()) {
                    throw new IllegalStateException("No close within " + settings.payTimeout().plus(RECOVERY_TIMEOUT)
                            + " of the start: the job does not work at all; logs in " + cluster.files().logs());
                }
                long deadlineNanos = startNanos + settings.totalTime().toNanos();
                for (int i = 0; i < settings.faults().size(); i++) {
                    FaultKind kind = settings.faults().get(i);
                    pauseBefore(kind, settings.faults().size() - i, deadlineNanos);
                    FaultRecord record = inject(i + 1, kind);
                    records.add(record);
                    LOG.info("Fault {}/{} {}: {}; closes flow again after {}", i + 1, settings.faults().size(), kind,
                            record.detail(), record.timeToCloses());
                    if (record.error() != null) {
                        notes.add("Campaign stopped after fault " + record.number() + ": " + record.error());
                        break;
                    }
                }
                shop.stopCreating();
                Duration followUps = settings.payTimeout().plus(settings.latePaymentDelay()).plus(RECOVERY_TIMEOUT);
                if (!shop.awaitFollowUps(followUps)) {
                    notes.add("The shop's last actions were not done within " + followUps);
                }
            } finally {
                shop.close();
            }
            expected = shop.expectedOutcome();
            awaitDrain(admin, expected);
        }
        GroundTruthReport report;
        DatabaseSnapshot snapshot;
        int deadLetterRows;
        try (Connection connection = database.adminConnection()) {
            report = new GroundTruthCheck().withDeadLetterTable(true).withReportedMismatches(50)
                    .check(connection, expected);
            snapshot = DatabaseSnapshot.read(connection, flavor);
            deadLetterRows = count(connection, "SELECT count(*) FROM " + DEAD_LETTER_TABLE);
        }
        List<FaultRecord> judged = new ArrayList<>();
        for (FaultRecord record : records) {
            judged.add(record.withWorstLateness(worstLateness(snapshot, record)));
        }
        LOG.info("Ground truth: {}", report.summary());
        return new CampaignResult(settings, started, Duration.ofNanos(System.nanoTime() - startNanos), judged, report,
                shop.counters(), publisher.retries(), expected.orderIdsWithStatus(OrderRowStatus.CLOSED).size(),
                expected.deadLetters(), deadLetterRows, notes);
    }

    private List<String> programArgs() {
        List<String> args = new ArrayList<>();
        add(args, "order-timeout.rocketmq.namesrv-addr", broker.nameServerAddress());
        add(args, "order-timeout.rocketmq.topic", TOPIC);
        add(args, "order-timeout.rocketmq.consumer-group", "order-timeout-fault-campaign");
        add(args, "order-timeout.pay-timeout", settings.payTimeout().toSeconds() + " s");
        add(args, "order-timeout.watermark.out-of-orderness", "2 s");
        add(args, "order-timeout.watermark.idle-timeout", "2 s");
        add(args, "order-timeout.jdbc.url", database.jdbcUrl());
        add(args, "order-timeout.jdbc.user", FaultInjectableDatabase.JOB_USER);
        add(args, "order-timeout.jdbc.password", JOB_PASSWORD);
        add(args, "order-timeout.db.dead-letter-table", DEAD_LETTER_TABLE);
        add(args, "execution.checkpointing.interval", "2 s");
        // The job's exponential-delay restart strategy, with a ceiling that suits faults seconds apart.
        add(args, "restart-strategy.exponential-delay.max-backoff", "5 s");
        return args;
    }

    private static void add(List<String> args, String key, String value) {
        args.add("--" + key);
        args.add(value);
    }

    /** Spreads the faults over the campaign's time; never less than the minimum gap of steady load. */
    private void pauseBefore(FaultKind kind, int remainingFaults, long deadlineNanos) throws InterruptedException {
        long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        long share = remainingMillis / remainingFaults - estimatedMillis(kind);
        Thread.sleep(Math.max(settings.minGap().toMillis(), share));
    }

    private long estimatedMillis(FaultKind kind) {
        return switch (kind) {
            case DATABASE_STOP -> databaseStop().toMillis() + 20_000;
            case DATABASE_PAUSE -> settings.databasePause().toMillis() + 20_000;
            case BROKER_KILL -> settings.brokerDown().toMillis() + 30_000;
            case JOB_MANAGER_KILL -> 45_000;
            case DOWNTIME -> settings.downtime().toMillis() + 30_000;
            default -> 30_000;
        };
    }

    /** The n-th database stop lasts min, then halfway, then max, and again. */
    private Duration databaseStop() {
        int n = injectedPerKind.getOrDefault(FaultKind.DATABASE_STOP, 0);
        Duration span = settings.maxDatabaseStop().minus(settings.minDatabaseStop());
        return settings.minDatabaseStop().plus(span.multipliedBy(n % 3).dividedBy(2));
    }

    private FaultRecord inject(int number, FaultKind kind) throws InterruptedException {
        Instant started = Instant.now();
        String detail = kind.description();
        try {
            switch (kind) {
                case TASK_MANAGER_KILL -> {
                    int victim = cluster.taskManagerPids().keySet().iterator().next();
                    int registered = cluster.rest().registeredTaskManagers();
                    started = Instant.now();
                    cluster.killTaskManager(victim);
                    // The replacement comes once the JobManager has noticed the loss (heartbeat
                    // timeout), as a new pod or host would.
                    cluster.await("the JobManager to notice TaskManager " + victim + " is gone", RECOVERY_TIMEOUT,
                            () -> cluster.rest().registeredTaskManagers() < registered);
                    int replacement = cluster.startTaskManager();
                    detail = "TaskManager " + victim + " killed (-9), TaskManager " + replacement + " started";
                }
                case JOB_MANAGER_KILL -> {
                    cluster.killJobManager();
                    cluster.startJobManager();
                    // The new leader recovers the job (same id) from ZooKeeper and its latest checkpoint.
                    cluster.await("job " + job.jobId() + " to run again under the new JobManager", RECOVERY_TIMEOUT,
                            () -> cluster.rest().allTasksRunning(job.jobId()));
                    detail = "JobManager killed (-9), a new one started and recovered the job";
                }
                case DATABASE_STOP -> {
                    Duration down = databaseStop();
                    database.stopServer();
                    Thread.sleep(down.toMillis());
                    database.startServer();
                    detail = "database stopped for " + down.toSeconds() + " s";
                }
                case DATABASE_PAUSE -> {
                    database.pause();
                    try {
                        Thread.sleep(settings.databasePause().toMillis());
                    } finally {
                        database.resume();
                    }
                    detail = "database SIGSTOP for " + settings.databasePause().toSeconds() + " s";
                }
                case BROKER_KILL -> {
                    broker.killBroker();
                    Thread.sleep(settings.brokerDown().toMillis());
                    broker.restartBroker();
                    detail = "broker killed (-9), down " + settings.brokerDown().toSeconds()
                            + " s, restarted on its store";
                }
                case RESCALE -> {
                    int from = job.parallelism();
                    int to = settings.nextParallelism(from);
                    job.resume(job.stopWithSavepoint(), to);
                    detail = "stop-with-savepoint, resumed at parallelism " + from + " -> " + to;
                }
                case CANCEL_RESUME -> {
                    job.awaitNextCheckpoint();
                    started = Instant.now();
                    job.resume(job.cancelKeepingCheckpoint(), job.parallelism());
                    detail = "cancelled, resumed from the latest retained checkpoint";
                }
                case DOWNTIME -> {
                    String savepoint = job.stopWithSavepoint();
                    Thread.sleep(settings.downtime().toMillis());
                    job.resume(savepoint, job.parallelism());
                    detail = "job down " + settings.downtime().toSeconds() + " s ("
                            + settings.downtime().toSeconds() / settings.payTimeout().toSeconds()
                            + " payment windows), resumed from its savepoint";
                }
                default -> throw new IllegalStateException("Unknown fault " + kind);
            }
        } catch (RuntimeException e) {
            LOG.error("Fault {} ({}) could not be injected or repaired", number, kind, e);
            return new FaultRecord(number, kind, detail, started, Instant.now(), null, null, e.toString());
        } finally {
            injectedPerKind.merge(kind, 1, Integer::sum);
        }
        Instant repaired = Instant.now();
        Optional<Instant> flowing = closes.awaitClosesAfter(repaired, RECOVERY_TIMEOUT);
        return new FaultRecord(number, kind, detail, started, repaired, flowing.orElse(null), null,
                flowing.isPresent() ? null : "no close within " + RECOVERY_TIMEOUT.toSeconds() + " s of the repair");
    }

    /** Until every order the job must close is closed and every poison message is a dead letter. */
    private void awaitDrain(JdbcConnectionFactory admin, ExpectedOutcome expected) throws Exception {
        int expectedCloses = expected.orderIdsWithStatus(OrderRowStatus.CLOSED).size();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Connection connection = admin.open()) {
                if (count(connection, "SELECT count(*) FROM orders WHERE status = 'CLOSED'") >= expectedCloses
                        && count(connection, "SELECT count(DISTINCT payload) FROM " + DEAD_LETTER_TABLE)
                                >= expected.deadLetters()) {
                    break;
                }
            } catch (SQLException e) {
                LOG.debug("Drain check failed", e);
            }
            Thread.sleep(1000);
        }
        // Wrong extra writes (a second close, a doubled refund) would come now: give them the time.
        Thread.sleep(5000);
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Worst lateness of the closes whose deadline fell between the fault's start and closes flowing again. */
    private static Long worstLateness(DatabaseSnapshot snapshot, FaultRecord record) {
        Instant until = record.closesFlowAgain() != null ? record.closesFlowAgain() : record.repaired();
        return snapshot.audits().stream()
                .filter(audit -> "APPLIED".equals(audit.outcome()))
                .filter(audit -> !audit.deadline().isBefore(record.started()) && !audit.deadline().isAfter(until))
                .map(DatabaseSnapshot.AuditRow::closeLatenessMillis)
                .max(Long::compare)
                .orElse(null);
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", resource, e.toString());
        }
    }
}
