package dev.agentmesh.deploy;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PrometheusRule every overlay ships, unit-tested with {@code promtool test rules} (Debian's prometheus package;
 * {@code .ci/run} installs it): the rule groups are taken from the rendered overlay, so what is tested is what is
 * applied. A missing promtool fails these tests, it never skips them.
 */
class AlertRulesTests {

    static final Path TESTS = Repository.path("k8s/base/alerts/prometheus-rule.test.yaml");

    /** What operators asked to be alerted on (issue 14) and the memory store's two, by alert name. */
    static final Set<String> REQUIRED_ALERTS = Set.of("ConsumerLagHigh", "DeadLetterRecordsGrowing", "PartialResultRateHigh",
            "AgentTimeoutRateHigh", "AgentDeadlineMisses", "TurnsMissTheirDeadline", "CircuitBreakerOpen",
            "AgentNoLiveInstance", "GatewayUpstreamErrors", "ManagerStreamNotRunning", "MemoryStoreStreamNotRunning",
            "MemoryReadsUnavailable");

    /**
     * Metrics the rules use that our code does not register, each seen where it comes from: a scrape of
     * KafkaStreamsMetrics and TaggedCircuitBreakerMetrics (micrometer 1.16, resilience4j 2.4), Spring Boot's logback
     * binder, Strimzi's Kafka Exporter and kube-state-metrics.
     */
    static final Map<String, String> INFRASTRUCTURE = Map.of(
            "kafka_consumergroup_lag", "Strimzi Kafka Exporter",
            "kafka_topic_partition_current_offset", "Strimzi Kafka Exporter",
            "kafka_stream_client_state", "Kafka Streams client metrics (KIP-1091) via KafkaStreamsMetrics",
            "kafka_stream_alive_stream_threads", "Kafka Streams client metrics via KafkaStreamsMetrics",
            "resilience4j_circuitbreaker_state", "resilience4j-micrometer TaggedCircuitBreakerMetrics",
            "logback_events_total", "Spring Boot LogbackMetrics",
            "kube_deployment_status_replicas_available", "kube-state-metrics",
            "kube_statefulset_status_replicas_ready", "kube-state-metrics");

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyAlertPassesItsPromtoolUnitTests(String overlay) throws IOException {
        Path work = work(overlay);
        Path rules = writeRules(overlay, work);
        Commands.Result check = Commands.result(work, List.of(promtool(), "check", "rules", rules.toString()));
        assertThat(check.exitCode()).as("promtool check rules:\n%s", check.output()).isZero();
        Path tests = work.resolve("prometheus-rule.test.yaml");
        Files.writeString(tests, Repository.read(TESTS).replace("RULES_FILE", rules.toString()));
        Commands.Result result = Commands.result(work, List.of(promtool(), "test", "rules", tests.toString()));
        assertThat(result.exitCode()).as("promtool test rules:\n%s", result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");

        // Negative control: the same tests expecting a different summary must fail, so a promtool that evaluates
        // nothing cannot pass this test.
        String original = Files.readString(tests);
        String broken = original.replaceFirst("summary: \"", "summary: \"not ");
        assertThat(broken).isNotEqualTo(original);
        Path control = work.resolve("broken-control.test.yaml");
        Files.writeString(control, broken);
        Commands.Result rejected = Commands.result(work, List.of(promtool(), "test", "rules", control.toString()));
        assertThat(rejected.exitCode()).as("promtool must reject the broken control:\n%s", rejected.output()).isNotZero();
    }

    /** Each alert has a case where it fires and one where it stays silent. */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyAlertIsTestedFiringAndSilent(String overlay) {
        Set<String> alerts = new TreeSet<>();
        rules(overlay).forEach(rule -> alerts.add(rule.getAlert()));
        assertThat(alerts).as("alerts in %s", overlay).containsAll(REQUIRED_ALERTS);
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        Map<?, ?> tests = new Yaml().load(Repository.read(TESTS));
        for (Object test : (List<?>) tests.get("tests")) {
            for (Object alertTest : (List<?>) ((Map<?, ?>) test).get("alert_rule_test")) {
                Map<?, ?> t = (Map<?, ?>) alertTest;
                List<?> expected = (List<?>) t.get("exp_alerts");
                (expected == null || expected.isEmpty() ? silent : firing).add((String) t.get("alertname"));
            }
        }
        assertThat(firing).as("alerts with a test where they fire").containsAll(alerts);
        assertThat(silent).as("alerts with a test where they stay silent").containsAll(alerts);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rulesUseOnlyMetricsThatAreReallyExported(String overlay) {
        Set<String> registered = Meters.registeredPrometheusNames();
        List<String> unknown = new ArrayList<>();
        for (Rule rule : rules(overlay)) {
            for (String metric : Meters.selectedMetrics(rule.getExpr().getStrVal())) {
                if (!registered.contains(metric) && !INFRASTRUCTURE.containsKey(metric)) {
                    unknown.add(rule.getAlert() + ": " + metric);
                }
            }
        }
        assertThat(unknown).as("metrics neither our meters (%s) nor a known exporter's", registered).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void thePrometheusRuleIsSelectedByThePrometheusOperator(String overlay) {
        List<PrometheusRule> rules = Manifests.of(overlay).all(PrometheusRule.class);
        assertThat(rules).as("PrometheusRules in %s", overlay).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getMetadata().getLabels()).containsKey("release"));
    }

    static List<Rule> rules(String overlay) {
        return Manifests.of(overlay).all(PrometheusRule.class).stream().flatMap(r -> r.getSpec().getGroups().stream())
                .flatMap(g -> g.getRules().stream()).filter(r -> r.getAlert() != null).toList();
    }

    /** The overlay's rule groups as a plain Prometheus rules file, which promtool reads. */
    private static Path writeRules(String overlay, Path work) throws IOException {
        List<Object> groups = new ArrayList<>();
        for (PrometheusRule rule : Manifests.of(overlay).all(PrometheusRule.class)) {
            for (RuleGroup group : rule.getSpec().getGroups()) {
                List<Object> entries = new ArrayList<>();
                for (Rule r : group.getRules()) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    Optional.ofNullable(r.getAlert()).ifPresent(a -> entry.put("alert", a));
                    Optional.ofNullable(r.getRecord()).ifPresent(a -> entry.put("record", a));
                    entry.put("expr", r.getExpr().getStrVal());
                    Optional.ofNullable(r.getFor()).ifPresent(a -> entry.put("for", a));
                    Optional.ofNullable(r.getLabels()).filter(m -> !m.isEmpty()).ifPresent(a -> entry.put("labels", a));
                    Optional.ofNullable(r.getAnnotations()).filter(m -> !m.isEmpty()).ifPresent(a -> entry.put("annotations", a));
                    entries.add(entry);
                }
                groups.add(Map.of("name", group.getName(), "rules", entries));
            }
        }
        Path file = work.resolve("rules.yaml");
        Files.writeString(file, new Yaml().dump(Map.of("groups", groups)));
        return file;
    }

    private static Path work(String overlay) throws IOException {
        return Files.createDirectories(Path.of("target", "promtool", overlay).toAbsolutePath());
    }

    /** promtool on the PATH; without it these tests fail with what to install. */
    static String promtool() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
                .findFirst().map(Path::toString).orElseThrow(() -> new AssertionError("promtool is not on the PATH: the alert"
                        + " rules are unit-tested with it. Install Debian's prometheus package (apt-get install"
                        + " prometheus); .ci/run does this when promtool is missing."));
    }
}
