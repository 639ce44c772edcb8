package dev.agentmesh.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard, one file for compose and Kubernetes: its queries name metrics the code really registers,
 * it covers what operators watch, and it type-checks against Grafana's own schema ({@code @grafana/schema} with
 * {@code tsc --noEmit}, installed from npm into target/).
 */
class DashboardTests {

    static final Path DASHBOARD = Repository.path("deploy/grafana/dashboards/agent-mesh.json");
    static final String GRAFANA_SCHEMA = "13.2.3";
    static final String TYPESCRIPT = "5.9.3";


    final JsonNode dashboard = readTree(DASHBOARD);

    @Test
    void queriesNameOnlyMetricsTheServicesRegister() {
        Set<String> registered = Meters.registeredPrometheusNames();
        List<String> unknown = new ArrayList<>();
        for (String metric : queriedMetrics()) {
            boolean infrastructure = Meters.infrastructure(metric);
            if (!infrastructure && !registered.contains(metric)) {
                unknown.add(metric);
            }
        }
        assertThat(registered).as("meters found in the sources").isNotEmpty();
        assertThat(unknown).as("metrics no service registers (registered: %s)", registered).isEmpty();
    }

    @Test
    void coversTurnsAgentsPlannerSessionsLagReplicasDeadLettersBreakersAndTheJvm() {
        assertThat(queriedMetrics()).contains(
                "gateway_turn_duration_seconds_bucket", "agent_subtask_duration_seconds_bucket", "agent_subtasks_total",
                "manager_tasks_total", "manager_agent_outcomes_total", "manager_plans_total", "gateway_sessions_active",
                "gateway_relay_queue_depth", "kafka_consumer_fetch_manager_records_lag_max",
                "kube_deployment_status_replicas", "kafka_topic_partition_current_offset", "resilience4j_circuitbreaker_state",
                "jvm_memory_used_bytes", "jvm_memory_max_bytes", "container_memory_working_set_bytes", "jvm_gc_pause_seconds_sum");
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if ("row".equals(p.path("type").asText())) {
                rows.add(p.path("title").asText());
            }
        });
        assertThat(rows).contains("Agents", "Dead letters", "Circuit breakers", "JVM and pods");
    }

    /** An agent variable, and every query on a per-agent metric filters by it. */
    @Test
    void agentPanelsFollowTheAgentVariable() {
        boolean variable = false;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            variable |= "agent".equals(v.path("name").asText()) && v.path("query").path("query").asText().contains(", agent)");
        }
        assertThat(variable).as("a query variable named agent over the agent label").isTrue();
        List<String> unfiltered = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                boolean perAgent = expr.contains("agent_subtask") || expr.contains("manager_agent_outcomes");
                if (perAgent && !expr.contains("agent=~\"$agent\"")) {
                    unfiltered.add(panel.path("title").asText() + ": " + expr);
                }
            }
        }
        assertThat(unfiltered).as("per-agent queries without agent=~\"$agent\"").isEmpty();
    }

    @Test
    void isAModernDashboardWithUniquePanelsAndTemplatedDatasource() {
        List<String> problems = new ArrayList<>();
        String uid = dashboard.path("uid").asText();
        if (uid.isEmpty() || uid.length() > 40) {
            problems.add("uid must be set and at most 40 characters: " + uid);
        }
        if (dashboard.path("title").asText().isEmpty()) {
            problems.add("no title");
        }
        if (dashboard.has("__inputs") || dashboard.has("__requires")) {
            problems.add("export leftovers __inputs/__requires");
        }
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            if (!ids.add(panel.path("id").asInt(-1))) {
                problems.add("duplicate or missing panel id in " + title);
            }
            if (!panel.has("gridPos")) {
                problems.add("no gridPos in " + title);
            }
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (expr.isEmpty() || target.path("refId").asText().isEmpty()) {
                    problems.add("target without expr or refId in " + title);
                }
                if (!"${datasource}".equals(target.path("datasource").path("uid").asText())) {
                    problems.add("target not on the ${datasource} variable in " + title);
                }
                if (expr.contains("rate(") && !expr.contains("[$__rate_interval]")) {
                    problems.add("rate() without $__rate_interval in " + title);
                }
            }
        }
        boolean datasourceVariable = false;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            datasourceVariable |= "datasource".equals(variable.path("type").asText())
                    && "prometheus".equals(variable.path("query").asText());
        }
        if (!datasourceVariable) {
            problems.add("no datasource variable of type prometheus");
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Type-checks the dashboard as a TypeScript literal of Grafana's {@code Dashboard} type, which rejects unknown
     * and mistyped fields. A deliberately broken copy runs in the same compilation and must be rejected, so a
     * checker that silently accepts everything fails this test too.
     */
    @Test
    void typeChecksAgainstGrafanasSchema() throws IOException {
        Path work = Path.of("target", "dashboard-check").toAbsolutePath();
        installTypeChecker(work);
        String json = Files.readString(DASHBOARD);
        String broken = json.replaceFirst("\"gridPos\"", "\"gridpos\"").replaceFirst("\"refresh\": \"30s\"", "\"refresh\": 30");
        assertThat(broken).as("the negative control must differ from the dashboard").isNotEqualTo(json);
        Files.writeString(work.resolve("dashboard.ts"), typed(json));
        Files.writeString(work.resolve("broken-control.ts"), typed(broken));
        Files.writeString(work.resolve("tsconfig.json"), """
                {"compilerOptions": {"strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
                  "skipLibCheck": true, "types": []},
                 "files": ["dashboard.ts", "broken-control.ts"]}
                """);
        Commands.Result result = Commands.result(work,
                List.of("node", "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"));
        List<String> errors = result.output().lines().filter(l -> l.contains("error TS")).toList();
        assertThat(errors).as("tsc errors for the dashboard").noneMatch(l -> l.startsWith("dashboard.ts"));
        assertThat(errors).as("tsc must reject the broken control copy").anyMatch(l -> l.startsWith("broken-control.ts")
                && l.contains("gridpos"));
    }

    private static String typed(String json) {
        return """
                import type { Dashboard } from '@grafana/schema';
                // JSON holds enum values as plain strings: map the schema's enums to their string values.
                type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T
                  : T extends Array<infer U> ? Array<Json<U>> : { [K in keyof T]: Json<T[K]> };
                export const dashboard: Json<Dashboard> = %s;
                """.formatted(json.strip());
    }

    private static void installTypeChecker(Path work) throws IOException {
        Files.createDirectories(work);
        if (installed(work, "@grafana/schema", GRAFANA_SCHEMA) && installed(work, "typescript", TYPESCRIPT)) {
            return;
        }
        Commands.run(work, List.of("npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent",
                "--no-package-lock", "@grafana/schema@" + GRAFANA_SCHEMA, "typescript@" + TYPESCRIPT));
    }

    private static boolean installed(Path work, String name, String version) {
        Path manifest = work.resolve("node_modules").resolve(name).resolve("package.json");
        return Files.isRegularFile(manifest) && readTree(manifest).path("version").asText().equals(version);
    }

    private Set<String> queriedMetrics() {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                metrics.addAll(Meters.selectedMetrics(target.path("expr").asText()));
            }
        }
        return metrics;
    }

    private static JsonNode readTree(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
