package dev.agentmesh.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names: the ones our code registers (read from the sources) and the ones queries and alert rules select. */
final class Meters {

    /**
     * Metrics that come from Kafka clients and Kafka Streams, the JVM, Spring Boot's own binders (HTTP, executors,
     * logback), resilience4j, kube-state-metrics, cAdvisor, KEDA or Strimzi's Kafka Exporter, not from our meters.
     */
    static final List<String> INFRASTRUCTURE_PREFIXES = List.of("kafka_", "kube_", "jvm_", "process_", "http_",
            "container_", "keda_", "spring_kafka_", "executor_", "logback_", "resilience4j_");

    /** A meter's name, dotted ({@code gateway.refusals}) or already in Prometheus form ({@code memory_reads}). */
    static final Pattern METER = Pattern.compile(
            "(Counter|Timer|Gauge|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*\"([a-z0-9._]+)\"");
    /** The registry's shorthand: {@code registry.counter("gateway.refusals", "code", code)}. */
    static final Pattern REGISTRY_METER = Pattern.compile("\\.(counter|timer|gauge)\\(\\s*\"([a-z0-9._]+)\"");
    static final Pattern METRIC_SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    private Meters() {
    }

    static boolean infrastructure(String metric) {
        return INFRASTRUCTURE_PREFIXES.stream().anyMatch(metric::startsWith);
    }

    /** Every metric name a PromQL expression selects with a {@code name{…}} selector. */
    static Set<String> selectedMetrics(String expr) {
        Set<String> metrics = new TreeSet<>();
        Matcher m = METRIC_SELECTOR.matcher(expr);
        while (m.find()) {
            metrics.add(m.group(1));
        }
        return metrics;
    }

    /** Every name Micrometer's Prometheus registry would export for the meters built in the modules' sources. */
    static Set<String> registeredPrometheusNames() {
        Set<String> names = new TreeSet<>();
        for (String module : Repository.modulesWithSources()) {
            for (Path source : Repository.mainSources(module)) {
                String code = Repository.read(source);
                Matcher shorthand = REGISTRY_METER.matcher(code);
                while (shorthand.find()) {
                    String base = shorthand.group(2).replace('.', '_');
                    switch (shorthand.group(1)) {
                        case "counter" -> names.add(base + "_total");
                        case "gauge" -> names.add(base);
                        default -> List.of("_bucket", "_count", "_sum", "_max").forEach(s -> names.add(base + "_seconds" + s));
                    }
                }
                Matcher m = METER.matcher(code);
                while (m.find()) {
                    String base = m.group(2).replace('.', '_');
                    switch (m.group(1)) {
                        case "Counter" -> names.add(base + "_total");
                        case "Gauge" -> names.add(base);
                        case "Timer", "LongTaskTimer" -> List.of("_bucket", "_count", "_sum", "_max")
                                .forEach(suffix -> names.add(base + "_seconds" + suffix));
                        default -> List.of("_bucket", "_count", "_sum", "_max").forEach(suffix -> names.add(base + suffix));
                    }
                }
            }
        }
        return names;
    }

}
