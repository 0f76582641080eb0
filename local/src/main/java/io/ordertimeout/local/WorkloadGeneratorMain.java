package io.ordertimeout.local;

import io.ordertimeout.local.CommandLine.UsageException;
import io.ordertimeout.testkit.workload.GroundTruthReport;
import io.ordertimeout.testkit.workload.JdbcConnectionFactory;
import io.ordertimeout.testkit.workload.SqlFlavor;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated shop alone, for a job that runs elsewhere (docker/, a Flink cluster): creates
 * orders in the database and publishes their events to RocketMQ, pays, cancels or abandons them
 * like the order and payment services would, and with {@code --check} judges the database at the
 * end. The flags are what docker/docker-compose.yml passes (DockerComposeConsistencyTest).
 */
public final class WorkloadGeneratorMain {

    static final String HELP = """
            Usage: java -cp <local jar and dependencies> io.ordertimeout.local.WorkloadGeneratorMain [flags]

            Plays the shop for an order-timeout job running elsewhere: inserts each order into the
            orders table (PENDING_PAYMENT) before publishing ORDER_CREATED, marks payments and cancels
            in the table before publishing ORDER_PAID / ORDER_CANCELLED, and leaves some orders unpaid
            for the job to close. Mix: 70% paid in time, 10% never paid, 5% paid after the deadline,
            6% cancelled, 3% cancelled then paid, 4% with duplicate events, 2% out of order, and 1% of
            orders followed by an invalid message.

              --namesrv <host:port>          RocketMQ name server(s) (required)
              --topic <topic>                topic of the order events (default order-events)
              --jdbc-url <url>               the shop's database (required), e.g.
                                             jdbc:mariadb://mysql:3306/orders or jdbc:postgresql://...
              --jdbc-user <user>             a login that may insert and update orders (required)
              --jdbc-password-env <VAR>      environment variable holding its password (none: no password)
              --rate <orders/s>              orders created per second (default 20)
              --pay-timeout <duration>       payment window written into each order; keep it equal to
                                             the job's order-timeout.pay-timeout (default 30s)
              --late-payment-delay <d>       late payments come this long after the deadline; more than
                                             the job needs to close an order (default 15s)
              --duration <duration>          how long orders are created (default: until stopped with
                                             SIGINT or SIGTERM)
              --progress-interval <d>        time between progress lines (default 10s)
              --seed <n>                     random seed of the order mix (default 42)
              --check                        at the end, wait for what is due and compare this run's
                                             orders in the database with what the shop did; print the
                                             report and exit 0 on PASS, 1 on FAIL
              --close-within <d>             with --check: how long after a deadline the job has closed
                                             an order, its idle timeout + out-of-orderness + 1 s
                                             (default 16s, for the job's defaults 10s + 5s)
              --help                         this text

            Durations use Flink's syntax: 30s, 2min, 500ms. A first SIGINT/SIGTERM stops creating
            orders (and with --check waits for the verdict); a second one exits at once.
            """;

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGeneratorMain.class);
    private static final Set<String> VALUE_FLAGS = Set.of("namesrv", "topic", "jdbc-url", "jdbc-user",
            "jdbc-password-env", "rate", "pay-timeout", "late-payment-delay", "duration", "progress-interval", "seed",
            "close-within");
    private static final Duration CHECK_GRACE = Duration.ofSeconds(30);

    private WorkloadGeneratorMain() {}

    public static void main(String[] args) {
        int exitCode;
        try {
            exitCode = run(args);
        } catch (UsageException e) {
            System.err.println("generator: " + e.getMessage() + "\n\n" + HELP);
            exitCode = 2;
        } catch (Exception e) {
            LOG.error("Workload generator failed", e);
            Console.line("ERROR: " + e);
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    private static int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args, VALUE_FLAGS, Set.of("help", "check"));
        if (line.has("help")) {
            System.out.print(HELP);
            return 0;
        }
        String nameServer = required(line, "namesrv");
        String topic = line.string("topic", LocalSystem.TOPIC);
        String jdbcUrl = required(line, "jdbc-url");
        String jdbcUser = required(line, "jdbc-user");
        String password = line.has("jdbc-password-env")
                ? CommandLine.requiredEnv(line.string("jdbc-password-env", null), "named by --jdbc-password-env")
                : null;
        SqlFlavor flavor;
        try {
            flavor = SqlFlavor.fromJdbcUrl(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--jdbc-url: " + e.getMessage());
        }
        Duration payTimeout = line.duration("pay-timeout", Duration.ofSeconds(30));
        if (payTimeout.toMillis() % 1000 != 0 || payTimeout.getSeconds() < 1) {
            throw new UsageException("--pay-timeout must be whole seconds, at least 1s");
        }
        long seed;
        try {
            seed = Long.parseLong(line.string("seed", "42"));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be an integer");
        }
        Duration duration = line.has("duration") ? line.duration("duration", null) : null;
        ShopWorkload.Plan plan = new ShopWorkload.Plan(line.positiveNumber("rate", 20), payTimeout,
                line.duration("late-payment-delay", Duration.ofSeconds(15)), duration, seed);
        Duration interval = line.duration("progress-interval", Duration.ofSeconds(10));
        boolean check = line.has("check");
        Duration closeWithin = line.duration("close-within", Duration.ofSeconds(16));

        StopSignal stop = StopSignal.install("INT", "TERM");
        JdbcConnectionFactory connections = JdbcConnectionFactory.of(jdbcUrl, jdbcUser, password);
        Console.line(String.format("Generator: %s orders/s, pay timeout %d s, %s; topic %s on %s; database %s as %s",
                plan.rate(), payTimeout.toSeconds(), duration == null ? "until stopped" : "for " + duration.toSeconds()
                        + " s", topic, nameServer, jdbcUrl, jdbcUser));
        try (ShopWorkload shop = new ShopWorkload(plan, nameServer, topic, connections, flavor)) {
            shop.createOrders(stop, interval, Object::toString);
            Console.line("Stopped creating orders: " + shop.counters());
            if (!check) {
                return 0;
            }
            if (!shop.awaitFollowUps(interval, Object::toString)) {
                Console.line("Some payments are still scheduled; checking anyway");
            }
            Console.line("Checking this run's orders in the database ...");
            GroundTruthReport report = shop.judge(closeWithin, CHECK_GRACE, false);
            for (String reportLine : report.summary().split("\n")) {
                Console.line(reportLine);
            }
            Console.line((report.passed() ? "PASS" : "FAIL") + ": " + shop.counters());
            return report.passed() ? 0 : 1;
        }
    }

    private static String required(CommandLine line, String flag) {
        String value = line.string(flag, null);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + flag + " is required");
        }
        return value;
    }
}
