package io.ordertimeout.local;

import io.ordertimeout.local.CommandLine.UsageException;
import io.ordertimeout.sink.JdbcSinkSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** The flags of {@code ./run-local.sh}; {@link #HELP} documents them. */
record LocalRunOptions(
        boolean help,
        double rate,
        Duration payTimeout,
        Duration duration,
        Duration latePaymentDelay,
        Duration outOfOrderness,
        Duration idleTimeout,
        int parallelism,
        String webPort,
        int prometheusPort,
        Duration progressInterval,
        Path workDirectory,
        long seed,
        String nameServer,
        ExternalDatabase database,
        String flinkRest) {

    static final String SHOP_PASSWORD_ENV = "ORDER_TIMEOUT_SHOP_JDBC_PASSWORD";

    static final String HELP = """
            Usage: ./run-local.sh [flags]

            Runs the whole system on this machine: RocketMQ (topic order-events, 4 queues), PostgreSQL
            with the schema of sql/, the job on a local Flink cluster with its web UI, and a simulated
            shop that creates orders and pays, cancels or abandons them. When the run ends it checks the
            database against what the shop did and prints PASS or FAIL (exit code 0 or 1).

            Workload
              --rate <orders/s>            orders created per second (default 20)
              --pay-timeout <duration>     payment window of each order, also the job's
                                           order-timeout.pay-timeout (default 20s)
              --duration <duration>        how long orders are created (default 30s); then the run
                                           waits for the last payments and deadlines and checks.
                                           Ctrl-C ends creation early the same way; twice: stop now
              --late-payment-delay <d>     late payments come this long after the deadline (default 6s)
              --seed <n>                   random seed of the order mix (default 42)

            Job and cluster
              --out-of-orderness <d>       order-timeout.watermark.out-of-orderness (default 2s)
              --idle-timeout <d>           order-timeout.watermark.idle-timeout (default 3s)
              --parallelism <n>            job parallelism and task slots (default 2)
              --web-port <port>            REST API and web UI port; a range like 8081-8090 takes the
                                           first free one, 0 any free port (default 8081)
              --prometheus-port <port>     port of Flink's Prometheus reporter (its URL is printed
                                           next to the web UI); 0 any free port (default 0)
              --progress-interval <d>      time between progress lines (default 5s)
              --work-dir <dir>             logs and checkpoints (default .local-run)

            External services instead of the embedded ones
              --namesrv <host:port>        RocketMQ name server; topic order-events must exist
              --jdbc-url <url>             jdbc:postgresql://... or jdbc:mariadb://...; schema of sql/
                                           applied. The job's password comes from env
                                           ORDER_TIMEOUT_JDBC_PASSWORD
              --jdbc-user <user>           the job's login (required with --jdbc-url)
              --shop-jdbc-user <user>      login of the simulated shop, which inserts orders and reads
                                           the tables for the check (default: the job's login, which
                                           needs INSERT on orders then); password from env
                                           ORDER_TIMEOUT_SHOP_JDBC_PASSWORD
              --flink-rest <host:port>     a Flink cluster: prints the flink run command that submits
                                           the job there with these settings, and the generator
                                           command that judges the run, then exits. Needs --namesrv
                                           and --jdbc-url (the cluster cannot reach embedded ones)

              --help                       this text

            Durations use Flink's syntax: 30s, 2min, 500ms. Logs of Flink, RocketMQ and PostgreSQL go to
            <work-dir>/local-run.log; the console shows progress only. Metrics shown in the progress
            lines (pending, closed, refunds, dead letters, close lateness) are the job's own, read from
            the Flink REST API; the final check reads the database.
            """;

    private static final Set<String> VALUE_FLAGS = Set.of("rate", "pay-timeout", "duration", "late-payment-delay",
            "out-of-orderness", "idle-timeout", "parallelism", "web-port", "prometheus-port", "progress-interval", "work-dir", "seed",
            "namesrv", "jdbc-url", "jdbc-user", "shop-jdbc-user", "flink-rest");

    static LocalRunOptions parse(String[] args) {
        CommandLine line = CommandLine.parse(args, VALUE_FLAGS, Set.of("help"));
        Duration payTimeout = line.duration("pay-timeout", Duration.ofSeconds(20));
        if (payTimeout.toMillis() % 1000 != 0 || payTimeout.getSeconds() < 1) {
            throw new UsageException("--pay-timeout must be whole seconds, at least 1s");
        }
        ExternalDatabase database = null;
        if (line.has("jdbc-url")) {
            if (!line.has("jdbc-user")) {
                throw new UsageException("--jdbc-url needs --jdbc-user (the job's login)");
            }
            String jobUser = line.string("jdbc-user", null);
            String jobPassword = System.getenv(JdbcSinkSettings.PASSWORD_ENV);
            String shopUser = line.string("shop-jdbc-user", jobUser);
            String shopPassword = line.has("shop-jdbc-user") ? System.getenv(SHOP_PASSWORD_ENV) : jobPassword;
            database = new ExternalDatabase(line.string("jdbc-url", null), jobUser, jobPassword, shopUser,
                    shopPassword);
        } else if (line.has("jdbc-user") || line.has("shop-jdbc-user")) {
            throw new UsageException("--jdbc-user and --shop-jdbc-user need --jdbc-url");
        }
        if (line.has("flink-rest") && (!line.has("namesrv") || database == null)) {
            throw new UsageException("--flink-rest needs --namesrv and --jdbc-url: a cluster elsewhere cannot"
                    + " reach the embedded broker and database");
        }
        int prometheusPort;
        try {
            prometheusPort = Integer.parseInt(line.string("prometheus-port", "0"));
        } catch (NumberFormatException e) {
            prometheusPort = -1;
        }
        if (prometheusPort < 0 || prometheusPort > 65535) {
            throw new UsageException("--prometheus-port must be a port number, or 0 for any free port");
        }
        long seed;
        try {
            seed = Long.parseLong(line.string("seed", "42"));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be an integer");
        }
        return new LocalRunOptions(
                line.has("help"),
                line.positiveNumber("rate", 20),
                payTimeout,
                line.duration("duration", Duration.ofSeconds(30)),
                line.duration("late-payment-delay", Duration.ofSeconds(6)),
                line.duration("out-of-orderness", Duration.ofSeconds(2)),
                line.duration("idle-timeout", Duration.ofSeconds(3)),
                line.positiveInt("parallelism", 2),
                line.string("web-port", "8081"),
                prometheusPort,
                line.duration("progress-interval", Duration.ofSeconds(5)),
                Path.of(line.string("work-dir", ".local-run")),
                seed,
                line.string("namesrv", null),
                database,
                line.string("flink-rest", null));
    }

    LocalSystem.Settings systemSettings() {
        return new LocalSystem.Settings()
                .payTimeout(payTimeout)
                .outOfOrderness(outOfOrderness)
                .idleTimeout(idleTimeout)
                .parallelism(parallelism)
                .restBindPort(webPort)
                .prometheusPort(prometheusPort)
                .workDirectory(workDirectory)
                .externalNameServer(nameServer)
                .externalDatabase(database);
    }
}
