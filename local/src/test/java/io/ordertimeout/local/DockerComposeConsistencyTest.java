package io.ordertimeout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ordertimeout.config.JobSettings;
import io.ordertimeout.config.OrderTimeoutOptions;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/ runs the job against real services, but no CI machine has a Docker engine to start
 * them. This test keeps the compose setup honest without one: every reference it makes (mounted
 * files, ports, the job's settings, broker and database endpoints, the topic, scrape targets,
 * metric names) must match the repository, the other services and the job's code. Each failure
 * names the service, file or setting that is inconsistent.
 */
class DockerComposeConsistencyTest {

    private static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";

    /**
     * What the job registers per subtask under the user group {@code orderTimeout}
     * (core/OrderTimeoutMetrics and event/DeadLetterRouter); the Prometheus reporter names them
     * flink_ + logical scope + user group + name, joined with '_'.
     */
    private static final String ORDER_TIMEOUT_GROUP = "orderTimeout";
    private static final List<String> ORDER_TIMEOUT_METRICS = List.of(
            "eventsCreated", "eventsPaid", "eventsCancelled", "duplicates", "ignoredEvents",
            "closes", "refunds", "deadLetters", "pendingOrders", "watermarkLagMillis", "closeLatenessMillis");

    /**
     * Per-queue consumer lag of the RocketMQ source: group "rocketmq", key groups topic/broker/queue
     * (labels), gauge "lag"; the name a real scrape shows (WebUiMetricsTest).
     */
    private static final String SOURCE_LAG_METRIC = OPERATOR_SCOPE + "rocketmq_topic_broker_queue_lag";

    /** What the dashboard must show at least: the operator's view of the job. */
    private static final List<String> METRICS_THE_DASHBOARD_MUST_SHOW = List.of(
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_pendingOrders",
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_closes",
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_refunds",
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_deadLetters",
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_closeLatenessMillis",
            OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_watermarkLagMillis",
            SOURCE_LAG_METRIC);

    private static final String PROMETHEUS_REPORTER_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** The compose file runs the name server without a config file, so it listens on its default port. */
    private static final int NAME_SERVER_DEFAULT_PORT = 9876;
    private static final int MYSQL_PORT = 3306;
    private static final String JDBC_PASSWORD_ENV = "ORDER_TIMEOUT_JDBC_PASSWORD";
    private static final String GENERATOR_MAIN = "io.ordertimeout.local.WorkloadGeneratorMain";
    /** Where `dependency:copy-dependencies` puts the jars, under the module's target/. */
    private static final String COPIED_DEPENDENCIES_DIR = "dependency";

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:(mariadb|mysql)://([^:/?]+):(\\d+)/([^?]+)(\\?.*)?");
    private static final Pattern METRIC_NAME = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path repo;
    private static Path dockerDir;
    private static JsonNode services;
    private static Set<String> namedVolumes;
    private static Map<String, String> jobSettings;
    private static Properties brokerConf;

    @BeforeAll
    static void readComposeFile() throws IOException {
        repo = findRepositoryRoot();
        dockerDir = repo.resolve("docker");
        JsonNode compose = readYaml(dockerDir.resolve("docker-compose.yml"));
        services = compose.path("services");
        assertThat(services.size()).as("services in docker/docker-compose.yml").isPositive();
        namedVolumes = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(namedVolumes::add);
        jobSettings = dynamicProperties(command(service(submitService())));
        brokerConf = new Properties();
        try (Reader reader = Files.newBufferedReader(hostPath(brokerService(), brokerConfigPathInContainer()))) {
            brokerConf.load(reader);
        }
    }

    // ---- files ---------------------------------------------------------------------------------

    @Test
    void everyMountedFileExistsInTheRepositoryOrIsABuildOutputOfAModule() {
        List<String> problems = new ArrayList<>();
        for (String name : serviceNames()) {
            for (Mount mount : mounts(name)) {
                if (!mount.bind) {
                    if (!namedVolumes.contains(mount.source)) {
                        problems.add(name + " mounts volume '" + mount.source
                                + "', which the top-level volumes: section does not declare");
                    }
                    continue;
                }
                Path source = dockerDir.resolve(mount.source).normalize();
                if (!source.startsWith(repo)) {
                    problems.add(name + " mounts " + mount.source + ", which is outside the repository");
                } else if (isBuildOutput(source)) {
                    checkBuildOutput(name, mount, source, problems);
                } else if (!Files.exists(source)) {
                    problems.add(name + " mounts " + mount.source + " -> " + mount.target + ", but "
                            + repo.relativize(source) + " does not exist in the repository");
                }
            }
        }
        assertNoProblems("mounts", problems);
    }

    @Test
    void generatorClassPathIsWhatTheLocalModuleBuildProduces() {
        String generator = generatorService();
        List<String> command = command(service(generator));
        int cp = command.indexOf("-cp");
        assertThat(cp).as("%s command has no -cp", generator).isNotNegative();
        List<String> problems = new ArrayList<>();
        for (String entry : command.get(cp + 1).split(":")) {
            Path hostPath = hostPath(generator, entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry);
            if (hostPath == null) {
                problems.add(generator + " class path entry " + entry + " is not inside any of its mounts");
                continue;
            }
            Path moduleTarget = hostPath.getParent();
            String fileName = hostPath.getFileName().toString();
            boolean ok = entry.endsWith("/*")
                    ? fileName.equals(COPIED_DEPENDENCIES_DIR) && isBuildOutput(hostPath)
                    : isBuildOutput(hostPath) && artifactFileNames(moduleTarget.getParent()).contains(fileName);
            if (!ok) {
                problems.add(generator + " class path entry " + entry + " maps to " + repo.relativize(hostPath)
                        + ", which `package dependency:copy-dependencies` does not produce (expected "
                        + artifactFileNames(repo.resolve("local")) + " or " + COPIED_DEPENDENCIES_DIR + "/*)");
            }
        }
        String mainClass = command.get(cp + 2);
        Path mainSource = repo.resolve("local/src/main/java/" + mainClass.replace('.', '/') + ".java");
        if (!Files.exists(mainSource)) {
            problems.add(generator + " runs " + mainClass + ", but " + repo.relativize(mainSource) + " does not exist");
        }
        assertNoProblems("generator class path", problems);
    }

    // ---- ports ---------------------------------------------------------------------------------

    @Test
    void everyPublishedHostPortIsUnique() {
        Map<String, List<String>> servicesByHostPort = new TreeMap<>();
        for (String name : serviceNames()) {
            for (JsonNode port : service(name).path("ports")) {
                String published = port.isObject() ? port.path("published").asText() : publishedPart(port.asText());
                if (!published.isEmpty()) {
                    servicesByHostPort.computeIfAbsent(published, p -> new ArrayList<>()).add(name);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        servicesByHostPort.forEach((port, owners) -> {
            if (owners.size() > 1) {
                problems.add("host port " + port + " is published by " + owners);
            }
        });
        assertThat(servicesByHostPort).as("published ports").isNotEmpty();
        assertNoProblems("published ports", problems);
    }

    // ---- the job's settings --------------------------------------------------------------------

    @Test
    void settingsPassedToTheJobAreRealOrderTimeoutOptionsWithValidValues() {
        Map<String, ConfigOption<?>> options = orderTimeoutOptions();
        List<String> problems = new ArrayList<>();
        Configuration config = new Configuration();
        jobSettings.forEach((key, value) -> {
            if (!options.containsKey(key)) {
                problems.add(submitService() + " passes -D" + key + ", which is not a key of OrderTimeoutOptions"
                        + " (cluster settings belong in FLINK_PROPERTIES)");
            } else {
                config.setString(key, value);
            }
        });
        for (ConfigOption<?> secret : List.of(OrderTimeoutOptions.JDBC_PASSWORD, OrderTimeoutOptions.ROCKETMQ_SECRET_KEY)) {
            if (jobSettings.containsKey(secret.key())) {
                problems.add(submitService() + " passes the secret " + secret.key()
                        + " on the command line; set it through the environment instead");
            }
        }
        for (ConfigOption<?> option : options.values()) {
            try {
                config.get(option);
            } catch (IllegalArgumentException e) {
                problems.add("-D" + option.key() + "=" + jobSettings.get(option.key()) + " does not parse: " + e.getMessage());
            }
        }
        for (ConfigOption<?> required : List.of(OrderTimeoutOptions.JDBC_URL, OrderTimeoutOptions.JDBC_USER)) {
            if (!jobSettings.containsKey(required.key())) {
                problems.add(submitService() + " does not pass -D" + required.key() + ", which has no default");
            }
        }
        assertNoProblems("job settings", problems);
        assertThat(JobSettings.from(config).payTimeout).as("validated pay timeout").isPositive();
    }

    @Test
    void brokerAndDatabaseEndpointsOfTheJobAreServicesOfTheComposeFile() {
        List<String> problems = new ArrayList<>();

        String namesrv = jobSetting(OrderTimeoutOptions.ROCKETMQ_NAMESRV);
        for (String address : namesrv.split(";")) {
            String[] hostPort = address.split(":");
            String host = hostPort[0];
            if (!services.has(host) || !command(service(host)).contains("nameserver")) {
                problems.add("job name server " + address + ": no compose service '" + host + "' runs a name server");
            }
            if (hostPort.length != 2 || !String.valueOf(NAME_SERVER_DEFAULT_PORT).equals(hostPort[1])) {
                problems.add("job name server " + address + ": the name server listens on " + NAME_SERVER_DEFAULT_PORT);
            }
        }
        expectEqual(problems, "broker.conf namesrvAddr", brokerConf.getProperty("namesrvAddr"), "job name server", namesrv);
        expectEqual(problems, "rocketmq-init NAMESRV_ADDR", env(topicInitService(), "NAMESRV_ADDR"), "job name server", namesrv);
        expectEqual(problems, generatorService() + " --namesrv", flag(generatorService(), "--namesrv"), "job name server", namesrv);

        String brokerHost = brokerConf.getProperty("brokerIP1");
        if (!brokerService().equals(brokerHost)) {
            problems.add("broker.conf brokerIP1=" + brokerHost + " is what clients connect to, but the broker runs as"
                    + " compose service '" + brokerService() + "'");
        }

        String jdbcUrl = jobSetting(OrderTimeoutOptions.JDBC_URL);
        Matcher url = JDBC_URL.matcher(jdbcUrl);
        if (!url.matches()) {
            problems.add("job JDBC URL " + jdbcUrl + " is not jdbc:mariadb|mysql://host:port/database");
        } else {
            String host = url.group(2);
            if (!services.has(host) || !service(host).path("image").asText().startsWith("mysql:")) {
                problems.add("job JDBC URL " + jdbcUrl + ": no compose service '" + host + "' runs MySQL");
            } else {
                expectEqual(problems, "job JDBC URL port", url.group(3), "MySQL's port", String.valueOf(MYSQL_PORT));
                expectEqual(problems, "job JDBC URL database", url.group(4), host + " MYSQL_DATABASE", env(host, "MYSQL_DATABASE"));
                if (!env(host).containsKey(JDBC_PASSWORD_ENV)) {
                    problems.add(host + " does not get " + JDBC_PASSWORD_ENV + ", so 02-job-user.sh cannot create the job's login");
                }
            }
            Matcher generatorUrl = JDBC_URL.matcher(flag(generatorService(), "--jdbc-url"));
            if (!generatorUrl.matches() || !generatorUrl.group(2).equals(url.group(2))
                    || !generatorUrl.group(3).equals(url.group(3)) || !generatorUrl.group(4).equals(url.group(4))) {
                problems.add(generatorService() + " --jdbc-url " + flag(generatorService(), "--jdbc-url")
                        + " is not the job's database " + jdbcUrl);
            }
        }

        String jobUser = jobSetting(OrderTimeoutOptions.JDBC_USER);
        Path grants = repo.resolve("sql/mysql/grants.sql");
        String grantsText = readIfExists(grants);
        if (grantsText == null) {
            problems.add(repo.relativize(grants) + " does not exist, so nothing creates the job's login " + jobUser);
        } else {
            if (!grantsText.contains("CREATE USER IF NOT EXISTS '" + jobUser + "'")) {
                problems.add("job JDBC user " + jobUser + " is not the login sql/mysql/grants.sql creates");
            }
            String placeholder = "${" + JDBC_PASSWORD_ENV + "}";
            if (!grantsText.contains(placeholder) || !readIfExists(dockerDir.resolve("mysql/02-job-user.sh")).contains(placeholder)) {
                problems.add("sql/mysql/grants.sql and docker/mysql/02-job-user.sh disagree on the password placeholder "
                        + placeholder);
            }
        }
        for (String name : flinkServicesAndSubmit()) {
            if (!env(name).containsKey(JDBC_PASSWORD_ENV)) {
                problems.add(name + " does not get " + JDBC_PASSWORD_ENV + " from the environment");
            }
        }

        String generator = generatorService();
        String mysqlService = url.matches() ? url.group(2) : "mysql";
        expectEqual(problems, generator + " --jdbc-user", flag(generator, "--jdbc-user"),
                mysqlService + " MYSQL_USER", env(mysqlService, "MYSQL_USER"));
        String passwordEnv = flag(generator, "--jdbc-password-env");
        if (!env(generator).containsKey(passwordEnv)) {
            problems.add(generator + " --jdbc-password-env " + passwordEnv + " names a variable the service does not set");
        }
        Duration generatorTimeout = TimeUtils.parseDuration(flag(generator, "--pay-timeout"));
        Duration jobTimeout = TimeUtils.parseDuration(jobSetting(OrderTimeoutOptions.PAY_TIMEOUT));
        expectEqual(problems, generator + " --pay-timeout", generatorTimeout, "job pay-timeout", jobTimeout);

        assertNoProblems("endpoints", problems);
    }

    @Test
    void topicOfTheJobIsTheOneTheInitServiceCreatesOnTheBrokersCluster() {
        List<String> problems = new ArrayList<>();
        String topic = jobSetting(OrderTimeoutOptions.ROCKETMQ_TOPIC);
        String init = topicInitService();
        expectEqual(problems, init + " TOPIC", env(init, "TOPIC"), "job topic", topic);
        expectEqual(problems, generatorService() + " --topic", flag(generatorService(), "--topic"), "job topic", topic);
        expectEqual(problems, init + " CLUSTER", env(init, "CLUSTER"),
                "broker.conf brokerClusterName", brokerConf.getProperty("brokerClusterName"));
        String queues = env(init, "QUEUES");
        if (queues == null || !queues.matches("[1-9][0-9]*")) {
            problems.add(init + " QUEUES=" + queues + " is not a positive number");
        }
        Path script = hostPath(init, command(service(init)).get(command(service(init)).size() - 1));
        if (script == null || !Files.exists(script)) {
            problems.add(init + " runs " + command(service(init)) + ", but that script is not mounted from the repository");
        }
        if (!"false".equals(brokerConf.getProperty("autoCreateTopicEnable"))) {
            problems.add("broker.conf should set autoCreateTopicEnable=false so that only " + init + " creates topics");
        }
        assertNoProblems("topic", problems);
    }

    // ---- Flink cluster and monitoring ----------------------------------------------------------

    @Test
    void flinkPropertiesAreRealFlinkOptionsSharedByAllFlinkProcesses() {
        List<String> problems = new ArrayList<>();
        Map<String, String> reference = null;
        for (String name : flinkServicesAndSubmit()) {
            Map<String, String> properties = flinkProperties(name);
            if (reference == null) {
                reference = properties;
            } else if (!reference.equals(properties)) {
                problems.add(name + " FLINK_PROPERTIES differ from those of " + flinkServicesAndSubmit().get(0));
            }
        }
        assertThat(reference).as("FLINK_PROPERTIES").isNotNull().isNotEmpty();
        Set<String> known = flinkOptionKeys();
        reference.forEach((key, value) -> {
            if (!known.contains(key) && !key.startsWith(ConfigConstants.METRICS_REPORTER_PREFIX)) {
                problems.add("FLINK_PROPERTIES key " + key + " is not a Flink 2.x option");
            }
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                problems.add("FLINK_PROPERTIES " + key + " has an empty value or one with whitespace,"
                        + " which the image's entrypoint would mangle");
            }
        });
        for (ConfigOption<String> dir : List.of(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
            String uri = reference.get(dir.key());
            if (uri == null || !uri.startsWith("file:///")) {
                problems.add(dir.key() + " should be a file:/// path on the shared volume, is " + uri);
                continue;
            }
            String path = uri.substring("file://".length());
            Set<String> volumes = new TreeSet<>();
            for (String name : flinkServices()) {
                Mount mount = mountContaining(name, path);
                volumes.add(mount == null || mount.bind ? "<not a named volume on " + name + ">" : mount.source);
            }
            if (volumes.size() != 1 || volumes.iterator().next().startsWith("<")) {
                problems.add(dir.key() + "=" + uri + " must lie on one named volume mounted by every JobManager and"
                        + " TaskManager, found " + volumes);
            }
        }
        assertNoProblems("FLINK_PROPERTIES", problems);
    }

    @Test
    void prometheusScrapesEveryFlinkProcessOnTheReporterPort() throws IOException {
        Map<String, String> properties = flinkProperties(flinkServices().get(0));
        String reporterPort = null;
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (property.getKey().startsWith(ConfigConstants.METRICS_REPORTER_PREFIX)
                    && property.getKey().endsWith(".factory.class")
                    && property.getValue().equals(PROMETHEUS_REPORTER_FACTORY)) {
                String reporter = property.getKey().substring(0, property.getKey().length() - "factory.class".length());
                reporterPort = properties.get(reporter + "port");
            }
        }
        assertThat(reporterPort).as("port of a reporter with factory.class %s in FLINK_PROPERTIES", PROMETHEUS_REPORTER_FACTORY)
                .isNotNull();

        JsonNode prometheus = readYaml(hostPath(prometheusService(), "/etc/prometheus/prometheus.yml"));
        Set<String> scrapedHosts = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode scrape : prometheus.path("scrape_configs")) {
            for (JsonNode staticConfig : scrape.path("static_configs")) {
                for (JsonNode target : staticConfig.path("targets")) {
                    String[] hostPort = target.asText().split(":");
                    scrapedHosts.add(hostPort[0]);
                    expectEqual(problems, "Prometheus target " + target.asText() + " port", hostPort[1], "reporter port", reporterPort);
                }
            }
            for (JsonNode dns : scrape.path("dns_sd_configs")) {
                dns.path("names").forEach(n -> scrapedHosts.add(n.asText()));
                expectEqual(problems, "Prometheus DNS discovery of " + dns.path("names") + " port",
                        dns.path("port").asText(), "reporter port", reporterPort);
            }
        }
        expectEqual(problems, "hosts Prometheus scrapes", scrapedHosts, "Flink services", new TreeSet<>(flinkServices()));
        assertNoProblems("Prometheus", problems);
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsTheJobRegisters() throws IOException {
        String grafana = grafanaService();
        JsonNode datasources = readYaml(hostPath(grafana, "/etc/grafana/provisioning/datasources/prometheus.yml"));
        String datasourceUid = datasources.path("datasources").path(0).path("uid").asText();
        String datasourceUrl = datasources.path("datasources").path(0).path("url").asText();
        JsonNode providers = readYaml(hostPath(grafana, "/etc/grafana/provisioning/dashboards/order-timeout.yml"));
        String dashboardsPath = providers.path("providers").path(0).path("options").path("path").asText();
        Path dashboardsDir = hostPath(grafana, dashboardsPath);

        List<String> problems = new ArrayList<>();
        if (!datasourceUrl.equals("http://" + prometheusService() + ":9090")) {
            problems.add("Grafana datasource URL " + datasourceUrl + " is not the " + prometheusService() + " service");
        }
        Set<String> known = new LinkedHashSet<>();
        ORDER_TIMEOUT_METRICS.forEach(m -> known.add(OPERATOR_SCOPE + ORDER_TIMEOUT_GROUP + "_" + m));
        known.add(SOURCE_LAG_METRIC);
        Set<String> queried = new TreeSet<>();
        assertThat(dashboardsDir).as("dashboards directory provisioned into Grafana").isNotNull().isDirectory();
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(dashboardsDir)) {
            dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).as("dashboards in %s", dashboardsDir).isNotEmpty();
        for (Path file : dashboards) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            for (JsonNode panel : dashboard.path("panels")) {
                String title = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
                if (!datasourceUid.equals(panel.path("datasource").path("uid").asText())) {
                    problems.add(title + " uses datasource " + panel.path("datasource") + ", not the provisioned uid " + datasourceUid);
                }
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    Matcher metric = METRIC_NAME.matcher(expr);
                    boolean any = false;
                    while (metric.find()) {
                        any = true;
                        String name = metric.group().replaceFirst("_count$", "");
                        queried.add(name);
                        if (!known.contains(name)) {
                            problems.add(title + " queries " + metric.group() + ", which the job does not register");
                        }
                    }
                    if (!any) {
                        problems.add(title + " has a query without a flink_ metric: " + expr);
                    }
                }
            }
        }
        for (String required : METRICS_THE_DASHBOARD_MUST_SHOW) {
            if (!queried.contains(required)) {
                problems.add("no dashboard panel shows " + required);
            }
        }
        problems.addAll(metricsNotRegisteredInTheJobSource());
        assertNoProblems("Grafana dashboards", problems);
    }

    /** Guards the list above against renames in the job: each name must be registered in job/src/main. */
    private static List<String> metricsNotRegisteredInTheJobSource() throws IOException {
        StringBuilder sources = new StringBuilder();
        try (Stream<Path> files = Files.walk(repo.resolve("job/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.append(Files.readString(file)).append('\n');
            }
        }
        List<String> problems = new ArrayList<>();
        if (!sources.toString().contains('"' + ORDER_TIMEOUT_GROUP + '"')) {
            problems.add("the job's source never names the metric group \"" + ORDER_TIMEOUT_GROUP + "\"");
        }
        for (String metric : ORDER_TIMEOUT_METRICS) {
            if (!Pattern.compile("\\.(counter|gauge|histogram)\\(\\s*\"" + metric + "\"").matcher(sources).find()) {
                problems.add("the job's source does not register metric \"" + metric + "\" (renamed? update the dashboard)");
            }
        }
        return problems;
    }

    // ---- reading the compose file --------------------------------------------------------------

    /** A bind mount or named volume of a service, in short or long syntax. */
    private record Mount(boolean bind, String source, String target) {}

    private static List<Mount> mounts(String name) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service(name).path("volumes")) {
            if (volume.isObject()) {
                String source = volume.path("source").asText();
                mounts.add(new Mount("bind".equals(volume.path("type").asText()), source, volume.path("target").asText()));
            } else {
                String[] parts = volume.asText().split(":");
                boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/");
                mounts.add(new Mount(bind, parts[0], parts.length > 1 ? parts[1] : parts[0]));
            }
        }
        return mounts;
    }

    private static Mount mountContaining(String name, String containerPath) {
        Mount best = null;
        for (Mount mount : mounts(name)) {
            if ((containerPath.equals(mount.target) || containerPath.startsWith(mount.target + "/"))
                    && (best == null || mount.target.length() > best.target.length())) {
                best = mount;
            }
        }
        return best;
    }

    /** The repository path behind a path inside a service's container, or null if no bind mount covers it. */
    private static Path hostPath(String name, String containerPath) {
        Mount mount = mountContaining(name, containerPath);
        if (mount == null || !mount.bind) {
            return null;
        }
        String rest = containerPath.substring(mount.target.length());
        return dockerDir.resolve(mount.source + rest).normalize();
    }

    private static boolean isBuildOutput(Path path) {
        Path relative = repo.relativize(path);
        return relative.getNameCount() >= 2 && relative.getName(1).toString().equals("target");
    }

    private static void checkBuildOutput(String name, Mount mount, Path source, List<String> problems) {
        Path relative = repo.relativize(source);
        Path module = repo.resolve(relative.getName(0));
        if (!Files.exists(module.resolve("pom.xml"))) {
            problems.add(name + " mounts build output " + mount.source + ", but " + relative.getName(0) + " is not a module");
        } else if (relative.getNameCount() == 3 && relative.getFileName().toString().endsWith(".jar")
                && !artifactFileNames(module).contains(relative.getFileName().toString())) {
            problems.add(name + " mounts " + mount.source + ", but module " + relative.getName(0) + " builds "
                    + artifactFileNames(module));
        } else if (relative.getNameCount() > 3) {
            problems.add(name + " mounts " + mount.source + ", deeper inside target/ than the build output it expects");
        }
    }

    /** The jar names `package` writes into a module's target/: artifactId-version[-shade classifier].jar. */
    private static Set<String> artifactFileNames(Path module) {
        try {
            Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(module.resolve("pom.xml").toFile()).getDocumentElement();
            String artifactId = childText(project, "artifactId");
            String version = childText(project, "version");
            if (version == null) {
                version = childText((Element) project.getElementsByTagName("parent").item(0), "version");
            }
            Set<String> names = new TreeSet<>();
            names.add(artifactId + "-" + version + ".jar");
            var classifiers = project.getElementsByTagName("shadedClassifierName");
            for (int i = 0; i < classifiers.getLength(); i++) {
                names.add(artifactId + "-" + version + "-" + classifiers.item(i).getTextContent().trim() + ".jar");
            }
            return names;
        } catch (Exception e) {
            throw new AssertionError("cannot read " + module.resolve("pom.xml") + ": " + e, e);
        }
    }

    private static String childText(Element parent, String tag) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }

    private static String publishedPart(String shortSyntax) {
        String[] parts = shortSyntax.split(":");
        return parts.length >= 2 ? parts[parts.length - 2] : "";
    }

    private static List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode service(String name) {
        JsonNode service = services.path(name);
        assertThat(service.isObject()).as("compose service '%s' exists", name).isTrue();
        return service;
    }

    private static List<String> command(JsonNode service) {
        List<String> command = new ArrayList<>();
        JsonNode node = service.path("command");
        if (node.isArray()) {
            node.forEach(arg -> command.add(arg.asText()));
        } else if (node.isTextual()) {
            command.addAll(List.of(node.asText().trim().split("\\s+")));
        }
        return command;
    }

    private static Map<String, String> env(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service(name).path("environment");
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        } else {
            node.forEach(entry -> {
                String[] kv = entry.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            });
        }
        return env;
    }

    private static String env(String name, String variable) {
        return env(name).get(variable);
    }

    private static String flag(String name, String flag) {
        List<String> command = command(service(name));
        int at = command.indexOf(flag);
        return at >= 0 && at + 1 < command.size() ? command.get(at + 1) : null;
    }

    private static Map<String, String> dynamicProperties(List<String> command) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String arg : command) {
            if (arg.startsWith("-D")) {
                String[] kv = arg.substring(2).split("=", 2);
                properties.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return properties;
    }

    /** As the Flink image's entrypoint reads FLINK_PROPERTIES: one `key: value` per line. */
    private static Map<String, String> flinkProperties(String name) {
        String text = env(name, "FLINK_PROPERTIES");
        assertThat(text).as("%s FLINK_PROPERTIES", name).isNotNull();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                String[] kv = line.split(":", 2);
                properties.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
            }
        }
        return properties;
    }

    private static String jobSetting(ConfigOption<?> option) {
        String value = jobSettings.get(option.key());
        return value != null ? value : String.valueOf(option.defaultValue());
    }

    // The services are found by what they run, not by name, so a renamed service still checks.

    private static List<String> servicesWhere(Predicate<String> test, String what) {
        List<String> found = serviceNames().stream().filter(test).toList();
        assertThat(found).as("compose services that %s", what).isNotEmpty();
        return found;
    }

    private static List<String> flinkServices() {
        return servicesWhere(n -> service(n).path("image").asText().startsWith("flink:")
                && List.of("jobmanager", "taskmanager").contains(command(service(n)).stream().findFirst().orElse("")),
                "run a Flink JobManager or TaskManager");
    }

    private static List<String> flinkServicesAndSubmit() {
        List<String> all = new ArrayList<>(flinkServices());
        all.add(submitService());
        return all;
    }

    private static String submitService() {
        return servicesWhere(n -> command(service(n)).stream().anyMatch(a -> a.startsWith("-Dorder-timeout.")),
                "submit the job with -Dorder-timeout.* settings").get(0);
    }

    private static String generatorService() {
        return servicesWhere(n -> command(service(n)).contains(GENERATOR_MAIN), "run " + GENERATOR_MAIN).get(0);
    }

    private static String brokerService() {
        return servicesWhere(n -> command(service(n)).stream().findFirst().orElse("").equals("broker"),
                "run a RocketMQ broker").get(0);
    }

    private static String brokerConfigPathInContainer() {
        List<String> command = command(service(brokerService()));
        int at = command.indexOf("-c");
        assertThat(at).as("broker command %s passes -c <broker.conf>", command).isNotNegative();
        return command.get(at + 1);
    }

    private static String topicInitService() {
        return servicesWhere(n -> env(n).containsKey("TOPIC") && env(n).containsKey("QUEUES"),
                "create the topic (TOPIC and QUEUES)").get(0);
    }

    private static String prometheusService() {
        return servicesWhere(n -> service(n).path("image").asText().startsWith("prom/prometheus:"), "run Prometheus").get(0);
    }

    private static String grafanaService() {
        return servicesWhere(n -> service(n).path("image").asText().startsWith("grafana/grafana:"), "run Grafana").get(0);
    }

    // ---- options and files ---------------------------------------------------------------------

    private static Map<String, ConfigOption<?>> orderTimeoutOptions() {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        for (ConfigOption<?> option : configOptions(OrderTimeoutOptions.class)) {
            options.put(option.key(), option);
        }
        assertThat(options).as("ConfigOption fields of OrderTimeoutOptions").isNotEmpty();
        return options;
    }

    private static Set<String> flinkOptionKeys() {
        Set<String> keys = new TreeSet<>();
        for (Class<?> holder : List.of(CoreOptions.class, CheckpointingOptions.class, StateBackendOptions.class,
                TaskManagerOptions.class, JobManagerOptions.class, RestOptions.class, MetricOptions.class)) {
            for (ConfigOption<?> option : configOptions(holder)) {
                keys.add(option.key());
                for (FallbackKey fallback : option.fallbackKeys()) {
                    keys.add(fallback.getKey());
                }
            }
        }
        return keys;
    }

    private static List<ConfigOption<?>> configOptions(Class<?> holder) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return options;
    }

    /**
     * SnakeYAML (the parser under jackson-dataformat-yaml) because the compose file shares its
     * Flink settings through YAML anchors, which Jackson's tree model does not resolve.
     */
    private static JsonNode readYaml(Path file) throws IOException {
        assertThat(file).as("YAML file").isNotNull().exists();
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml().load(reader);
            return JSON.valueToTree(document);
        }
    }

    private static String readIfExists(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Path findRepositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docker/docker-compose.yml")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no docker/docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    private static void expectEqual(List<String> problems, String what, Object actual, String expectedWhat, Object expected) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            problems.add(what + " is " + actual + ", but " + expectedWhat + " is " + expected);
        }
    }

    private static void assertNoProblems(String topic, List<String> problems) {
        if (!problems.isEmpty()) {
            fail("docker/docker-compose.yml is inconsistent (" + topic + "):\n  - " + String.join("\n  - ", problems));
        }
    }
}
