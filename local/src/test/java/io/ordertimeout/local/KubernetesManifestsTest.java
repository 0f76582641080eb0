package io.ordertimeout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordertimeout.OrderTimeoutJob;
import io.ordertimeout.config.OrderTimeoutOptions;
import io.ordertimeout.output.RocketMqOutputs;
import io.ordertimeout.sink.JdbcSinkSettings;
import io.ordertimeout.source.RocketMqOrderSource;
import io.ordertimeout.time.WallClock;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/**
 * docker/Dockerfile and docker/kubernetes/ (Flink Kubernetes Operator) cannot be run here: no
 * Docker engine, no cluster. This test stands in for {@code kubectl apply --dry-run=server} and a
 * first deploy: it renders the Kustomize base and each overlay, validates the FlinkDeployment
 * against the operator's own CRD schema (1.15.0, in test resources), and checks it against the
 * code: every flinkConfiguration key is a Flink, operator or {@code order-timeout.*} option and every value
 * parses, the job builds from that configuration as it would in the JobManager, entry class and
 * jar path match the build and the Dockerfile, max parallelism is the one all savepoints use,
 * secrets come only from a Secret, and the PodMonitor finds the reporter's port.
 */
class KubernetesManifestsTest {

    private static final String FLINK_DEPLOYMENT = "FlinkDeployment";
    private static final String MAIN_CONTAINER = "flink-main-container";
    private static final String METRICS_PORT_NAME = "metrics";
    private static final String REPORTER_PREFIX = "metrics.reporter." + LocalSystem.PROMETHEUS_REPORTER + ".";
    /**
     * S3 settings of Flink's S3 file system plugins: forwarded to the file system, not declared
     * as ConfigOptions (Flink documents them on its S3 page). Allowed so an overlay can point at
     * MinIO; never credentials (s3.access-key / s3.secret-key belong in a Secret).
     */
    private static final Set<String> S3_PLUGIN_KEYS = Set.of("s3.endpoint", "s3.path.style.access");
    /**
     * The Flink Kubernetes Operator's own options the manifests use, as declared in
     * KubernetesOperatorConfigOptions at release-1.15.0 (the operator's jar is not within reach of
     * this build: Maven Central serves flink-kubernetes-operator-api only up to 1.10.0, and the
     * operator itself not at all).
     */
    private static final ConfigOption<Boolean> OPERATOR_ROLLBACK_ENABLED =
            ConfigOptions.key("kubernetes.operator.deployment.rollback.enabled").booleanType().defaultValue(false);
    private static final ConfigOption<Duration> OPERATOR_READINESS_TIMEOUT =
            ConfigOptions.key("kubernetes.operator.deployment.readiness.timeout").durationType()
                    .defaultValue(Duration.ofMinutes(5));
    private static final ConfigOption<Duration> OPERATOR_PERIODIC_SAVEPOINT_INTERVAL =
            ConfigOptions.key("kubernetes.operator.periodic.savepoint.interval").durationType().noDefaultValue();
    private static final ConfigOption<Boolean> OPERATOR_DRAIN_ON_SAVEPOINT =
            ConfigOptions.key("kubernetes.operator.job.drain-on-savepoint-deletion").booleanType().defaultValue(false);
    private static final List<ConfigOption<?>> OPERATOR_OPTIONS = List.of(OPERATOR_ROLLBACK_ENABLED,
            OPERATOR_READINESS_TIMEOUT, OPERATOR_PERIODIC_SAVEPOINT_INTERVAL, OPERATOR_DRAIN_ON_SAVEPOINT);
    private static final Pattern SECRET_WORD = Pattern.compile("(?i)password|secret|credential|token");

    private static Path repo;
    private static CrdSchema flinkDeploymentSchema;
    private static Dockerfile dockerfile;

    /** The parts of docker/Dockerfile that the manifests and the build must agree with. */
    private record Dockerfile(String baseImage, String jarSource, String jarTarget, String text) {}

    @BeforeAll
    static void readSchemaAndDockerfile() throws IOException {
        repo = repositoryRoot();
        flinkDeploymentSchema = new CrdSchema(KustomizeBuild.read(Path.of(testResource(
                "kubernetes/flinkdeployments.flink.apache.org-v1.yml"))), "v1beta1");
        String text = Files.readString(repo.resolve("docker/Dockerfile"));
        Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(text);
        Matcher copy = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$").matcher(text);
        assertThat(from.find()).as("FROM in docker/Dockerfile").isTrue();
        assertThat(copy.find()).as("COPY of the job jar in docker/Dockerfile").isTrue();
        dockerfile = new Dockerfile(from.group(1), copy.group(1), copy.group(2), text);
    }

    // ---- Dockerfile ----------------------------------------------------------------------------

    @Test
    void theImageIsTheOfficialFlinkOfTheBuildWithTheJobJarAndBothPlugins() throws Exception {
        String flinkVersion = parentProperty("flink.version");
        assertThat(dockerfile.baseImage()).isEqualTo("flink:" + flinkVersion + "-java17");
        assertThat(repo.resolve(dockerfile.jarSource()).getParent()).isEqualTo(repo.resolve("job/target"));
        assertThat(dockerfile.jarSource()).isEqualTo("job/target/" + jobJarName());
        assertThat(dockerfile.jarTarget()).startsWith("/opt/flink/usrlib/").endsWith(".jar");
        // Each plugin in its own folder under plugins/, copied from the image's opt/.
        assertThat(dockerfile.text())
                .contains("/opt/flink/opt/flink-s3-fs-hadoop-*.jar /opt/flink/plugins/s3-fs-hadoop/")
                .contains("/opt/flink/opt/flink-metrics-prometheus-*.jar /opt/flink/plugins/metrics-prometheus/");
        List<String> ignore = Files.readAllLines(repo.resolve("docker/Dockerfile.dockerignore"));
        assertThat(ignore).contains("*").anySatisfy(line -> assertThat(line).startsWith("!")
                .matches(glob -> Pattern.matches(globToRegex(glob.substring(1)), dockerfile.jarSource())));
    }

    /** The compose demo and the Kubernetes image run the same Flink. */
    @Test
    void composeAndKubernetesRunTheSameFlinkVersion() throws Exception {
        String compose = Files.readString(repo.resolve("docker/docker-compose.yml"));
        assertThat(compose).contains("flink:" + parentProperty("flink.version") + "-");
    }

    // ---- FlinkDeployment -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theFlinkDeploymentIsValidForTheOperatorsCrd(String kustomization) throws Exception {
        ObjectNode deployment = flinkDeployment(kustomization);
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(flinkDeploymentSchema.violations(deployment)).as("CRD violations").isEmpty();
        // Those two podTemplates are not in the test's copy of the schema (see its header).
        assertThat(deployment.path("spec").path("jobManager").has("podTemplate")).isFalse();
        assertThat(deployment.path("spec").path("taskManager").has("podTemplate")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyFlinkConfigurationKeyIsAnOptionAndTheJobBuildsFromIt(String kustomization) throws Exception {
        Map<String, String> settings = flinkConfiguration(flinkDeployment(kustomization));
        Map<String, ConfigOption<?>> flinkOptions = flinkOptions();
        Map<String, ConfigOption<?>> jobOptions = options(OrderTimeoutOptions.class);
        List<String> problems = new ArrayList<>();
        Configuration config = Configuration.fromMap(settings);
        settings.forEach((key, value) -> {
            ConfigOption<?> option = key.startsWith("order-timeout.") ? jobOptions.get(key) : flinkOptions.get(key);
            if (option != null) {
                try {
                    config.get(option);
                } catch (RuntimeException e) {
                    problems.add(key + ": '" + value + "' does not parse: " + e.getMessage());
                }
            } else if (!key.startsWith(REPORTER_PREFIX) && !S3_PLUGIN_KEYS.contains(key)) {
                problems.add(key + " is neither a Flink " + parentProperty("flink.version") + " option nor an order-timeout option");
            }
        });
        assertThat(problems).as("flinkConfiguration of %s", kustomization).isEmpty();

        // What the JobManager does with it in application mode: validate every setting, build the job.
        Map<String, String> environment = Map.of(JdbcSinkSettings.PASSWORD_ENV, "from-the-secret");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        OrderTimeoutJob.define(env, config, RocketMqOrderSource.from(config), WallClock.system());
        JdbcSinkSettings.from(config, environment);
        RocketMqOutputs.from(config);
        assertThat(env.getStreamGraph().getStreamNodes()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void theJobIsTheBuildsAndUpgradesThroughSavepointsOnDurableStorage(String kustomization) throws Exception {
        ObjectNode deployment = flinkDeployment(kustomization);
        JsonNode spec = deployment.path("spec");
        JsonNode job = spec.path("job");
        Configuration config = Configuration.fromMap(flinkConfiguration(deployment));

        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + parentProperty("flink.version")
                .replaceFirst("^(\\d+)\\.(\\d+).*", "$1_$2"));
        assertThat(job.path("entryClass").asText()).isEqualTo(OrderTimeoutJob.class.getName());
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + dockerfile.jarTarget());
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("allowNonRestoredState").asBoolean(false))
                .as("allowNonRestoredState would drop the state of an operator whose uid changed").isFalse();

        // Max parallelism: the key groups of every savepoint so far; a different one cannot restore them.
        int maxParallelism = config.get(OrderTimeoutOptions.MAX_PARALLELISM);
        assertThat(config.containsKey(OrderTimeoutOptions.MAX_PARALLELISM.key())).isTrue();
        assertThat(maxParallelism).isEqualTo(OrderTimeoutOptions.MAX_PARALLELISM.defaultValue());
        assertThat(job.path("parallelism").asInt()).isBetween(1, maxParallelism);

        assertThat(config.get(OPERATOR_DRAIN_ON_SAVEPOINT))
                .as("a drain would close every pending order, due or not").isFalse();
        assertThat(config.get(OPERATOR_ROLLBACK_ENABLED)).as("failed upgrades roll back").isTrue();
        assertThat(config.get(HighAvailabilityOptions.HA_MODE)).isEqualTo("kubernetes");
        for (ConfigOption<String> dir : List.of(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                CheckpointingOptions.SAVEPOINT_DIRECTORY, HighAvailabilityOptions.HA_STORAGE_PATH)) {
            assertThat(config.get(dir)).as(dir.key()).startsWith("s3://");
        }
        assertThat(config.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(config.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isGreaterThanOrEqualTo(2);
        assertThat(spec.path("image").asText()).contains("order-timeout:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void secretsComeOnlyFromKubernetesSecrets(String kustomization) throws Exception {
        List<ObjectNode> resources = KustomizeBuild.render(kustomizationDir(kustomization));
        assertThat(resources).extracting(r -> r.path("kind").asText()).doesNotContain("Secret");
        ObjectNode deployment = flinkDeployment(kustomization);
        flinkConfiguration(deployment).forEach((key, value) -> {
            assertThat(key).as("flinkConfiguration key").doesNotContainPattern(SECRET_WORD);
            assertThat(value).as("value of %s", key).doesNotContainIgnoringCase("password=");
        });
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode variable : mainContainer(deployment).path("env")) {
            env.put(variable.path("name").asText(), variable);
            if (SECRET_WORD.matcher(variable.path("name").asText()).find()) {
                assertThat(variable.has("value")).as("%s has a plain-text value", variable.path("name")).isFalse();
                assertThat(variable.path("valueFrom").path("secretKeyRef").path("name").asText())
                        .as("%s from a Secret", variable.path("name")).isNotEmpty();
            }
        }
        // The names the job reads (JdbcSinkSettings, RocketMqOrderSource).
        assertThat(env).containsKeys(JdbcSinkSettings.PASSWORD_ENV, RocketMqOrderSource.SECRET_KEY_ENV);
        assertThat(env.get(JdbcSinkSettings.PASSWORD_ENV).path("valueFrom").path("secretKeyRef").path("optional")
                .asBoolean(false)).as("the JDBC password is required").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void thePodMonitorScrapesTheReporterOnEveryFlinkPod(String kustomization) throws Exception {
        List<ObjectNode> resources = KustomizeBuild.render(kustomizationDir(kustomization));
        ObjectNode deployment = flinkDeployment(kustomization);
        ObjectNode monitor = resources.stream().filter(r -> r.path("kind").asText().equals("PodMonitor"))
                .findFirst().orElseThrow(() -> new AssertionError("no PodMonitor in " + kustomization));
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.path("metadata").path("namespace")).isEqualTo(deployment.path("metadata").path("namespace"));
        // Labels the operator puts on the JobManager and TaskManager pods of a native deployment.
        assertThat(monitor.path("spec").path("selector").path("matchLabels").properties())
                .extracting(Map.Entry::getKey, entry -> entry.getValue().asText())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("app", deployment.path("metadata").path("name").asText()),
                        org.assertj.core.groups.Tuple.tuple("type", "flink-native-kubernetes"));

        Configuration config = Configuration.fromMap(flinkConfiguration(deployment));
        assertThat(config.toMap()).containsEntry(REPORTER_PREFIX + MetricOptions.REPORTER_FACTORY_CLASS.key(),
                PrometheusReporterFactory.class.getName());
        String reporterPort = config.toMap().get(REPORTER_PREFIX + "port");
        JsonNode port = null;
        for (JsonNode candidate : mainContainer(deployment).path("ports")) {
            if (candidate.path("name").asText().equals(METRICS_PORT_NAME)) {
                port = candidate;
            }
        }
        assertThat(port).as("container port named %s", METRICS_PORT_NAME).isNotNull();
        assertThat(String.valueOf(port.path("containerPort").asInt())).isEqualTo(reporterPort);
        assertThat(monitor.path("spec").path("podMetricsEndpoints")).isNotEmpty()
                .allSatisfy(endpoint -> assertThat(endpoint.path("port").asText()).isEqualTo(METRICS_PORT_NAME));
    }

    @Test
    void overlaysChangeOnlyWhatDiffersBetweenEnvironments() throws Exception {
        ObjectNode dev = flinkDeployment("overlays/dev");
        ObjectNode prod = flinkDeployment("overlays/prod");
        assertThat(dev.path("metadata").path("namespace").asText())
                .isNotEqualTo(prod.path("metadata").path("namespace").asText());
        assertThat(flinkConfiguration(dev).get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()))
                .isNotEqualTo(flinkConfiguration(prod).get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()));
        // The same job and the same state layout everywhere.
        assertThat(dev.path("spec").path("job").path("entryClass")).isEqualTo(prod.path("spec").path("job").path("entryClass"));
        assertThat(flinkConfiguration(dev).get(OrderTimeoutOptions.MAX_PARALLELISM.key()))
                .isEqualTo(flinkConfiguration(prod).get(OrderTimeoutOptions.MAX_PARALLELISM.key()));
        assertThat(prod.path("spec").path("jobManager").path("replicas").asInt()).as("standby JobManager").isEqualTo(2);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static ObjectNode flinkDeployment(String kustomization) throws IOException {
        List<ObjectNode> deployments = KustomizeBuild.render(kustomizationDir(kustomization)).stream()
                .filter(r -> r.path("kind").asText().equals(FLINK_DEPLOYMENT)).toList();
        assertThat(deployments).as("FlinkDeployments in %s", kustomization).hasSize(1);
        return deployments.get(0);
    }

    private static Path kustomizationDir(String kustomization) {
        return repo.resolve("docker/kubernetes").resolve(kustomization);
    }

    /** flinkConfiguration as Flink reads it; every value must be a string (older operators' CRDs demand it). */
    private static Map<String, String> flinkConfiguration(ObjectNode deployment) {
        Map<String, String> settings = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = deployment.path("spec").path("flinkConfiguration").fields();
                fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertThat(field.getValue().isTextual()).as("flinkConfiguration %s is a string (quote it)", field.getKey())
                    .isTrue();
            settings.put(field.getKey(), field.getValue().asText());
        }
        return settings;
    }

    private static JsonNode mainContainer(ObjectNode deployment) {
        for (JsonNode container : deployment.path("spec").path("podTemplate").path("spec").path("containers")) {
            if (container.path("name").asText().equals(MAIN_CONTAINER)) {
                return container;
            }
        }
        throw new AssertionError("no " + MAIN_CONTAINER + " in spec.podTemplate");
    }

    /** Options of the Flink modules the image runs, by key (and deprecated fallback key). */
    private static Map<String, ConfigOption<?>> flinkOptions() {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        OPERATOR_OPTIONS.forEach(option -> options.put(option.key(), option));
        for (Class<?> holder : List.of(CoreOptions.class, CheckpointingOptions.class, StateBackendOptions.class,
                TaskManagerOptions.class, JobManagerOptions.class, RestOptions.class, MetricOptions.class,
                HighAvailabilityOptions.class, RestartStrategyOptions.class, PipelineOptions.class,
                RocksDBOptions.class)) {
            options.putAll(options(holder));
        }
        return options;
    }

    private static Map<String, ConfigOption<?>> options(Class<?> holder) {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    options.put(option.key(), option);
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        options.put(fallback.getKey(), option);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return options;
    }

    private static String jobJarName() throws Exception {
        Element job = pom(repo.resolve("job/pom.xml"));
        String version = ((Element) job.getElementsByTagName("parent").item(0)).getElementsByTagName("version")
                .item(0).getTextContent().trim();
        return "order-timeout-job-" + version + "-"
                + job.getElementsByTagName("shadedClassifierName").item(0).getTextContent().trim() + ".jar";
    }

    private static String parentProperty(String name) {
        try {
            return pom(repo.resolve("pom.xml")).getElementsByTagName(name).item(0).getTextContent().trim();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + name + " from pom.xml", e);
        }
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return regex.toString();
    }

    private static String testResource(String name) {
        try {
            return Path.of(KubernetesManifestsTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new AssertionError("test resource " + name + " missing", e);
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docker/kubernetes")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no docker/kubernetes above " + Path.of("").toAbsolutePath());
    }
}
