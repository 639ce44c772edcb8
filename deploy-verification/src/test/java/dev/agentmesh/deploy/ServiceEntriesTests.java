package dev.agentmesh.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service module (a Spring Boot application in its main code) runs everywhere: in every overlay's render as a
 * workload of its own name (the realtime-emulator only in dev, see RenderedManifestsTests), in compose, scraped by
 * compose's Prometheus on its port, and in the local run. A new service missing one of these fails here, naming the
 * place; AgentEntriesTests adds what an agent needs besides.
 */
class ServiceEntriesTests {

    /** Services that run only where the gateway has no real upstream. */
    static final Set<String> DEV_ONLY = Set.of("realtime-emulator");

    static List<String> overlays() {
        return Repository.overlays();
    }

    @Test
    void everyServiceModuleRunsInComposeUnderPrometheusAndInTheLocalRun() {
        Set<String> modules = serviceModules();
        assertThat(modules).as("service modules").contains("gateway", "agent-manager", "memory-store", "weather-agent");
        Map<?, ?> compose = (Map<?, ?>) ((Map<?, ?>) new Yaml().load(Repository.read(Repository.path("deploy/compose.yaml"))))
                .get("services");
        String prometheus = Repository.read(Repository.path("deploy/prometheus/prometheus.yml"));
        Map<String, String> local = new TreeMap<>();
        Matcher m = AgentEntriesTests.LOCAL_SERVICE.matcher(Repository.read(Repository.path("deploy/local/common.sh")));
        while (m.find()) {
            local.put(m.group(3), m.group(2));
        }
        List<String> problems = new ArrayList<>();
        for (String module : modules) {
            String port = ServiceConsumption.applicationConfig(module).get("server.port");
            if (!compose.containsKey(module)) {
                problems.add(module + ": no service in deploy/compose.yaml");
            }
            if (!prometheus.contains("\"" + module + ":" + port + "\"")) {
                problems.add(module + ": deploy/prometheus/prometheus.yml does not scrape " + module + ":" + port);
            }
            if (!port.equals(local.get(module))) {
                problems.add(module + ": deploy/local/common.sh SERVICES has no \"" + module + ":" + port + ":" + module + "\"");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceModuleRunsInEveryOverlay(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> missing = serviceModules().stream().filter(m -> manifests.production() ? !DEV_ONLY.contains(m) : true)
                .filter(m -> manifests.workload(m).isEmpty()).toList();
        assertThat(missing).as("service modules without a Deployment or StatefulSet of their name in %s", overlay).isEmpty();
    }

    /** Compose's gateway finds compose's memory-store on its port. */
    @Test
    void composesGatewayUsesComposesMemoryStore() {
        Map<?, ?> compose = (Map<?, ?>) ((Map<?, ?>) new Yaml().load(Repository.read(Repository.path("deploy/compose.yaml"))))
                .get("services");
        Map<?, ?> gateway = (Map<?, ?>) ((Map<?, ?>) compose.get("gateway")).get("environment");
        String port = ServiceConsumption.applicationConfig("memory-store").get("server.port");
        assertThat(gateway.get("MEMORY_STORE_URL")).as("compose gateway's MEMORY_STORE_URL")
                .isEqualTo("http://memory-store:" + port);
        Map<?, ?> store = (Map<?, ?>) ((Map<?, ?>) compose.get("memory-store")).get("environment");
        assertThat(store.get("MEMORY_ADVERTISED_ADDRESS")).as("compose memory-store's MEMORY_ADVERTISED_ADDRESS (peers)")
                .isEqualTo("memory-store:" + port);
    }

    /** Modules whose main code is a Spring Boot application: the deployable services. */
    static Set<String> serviceModules() {
        Set<String> modules = new TreeSet<>();
        for (String module : Repository.modulesWithSources()) {
            if (Repository.mainSources(module).stream().map(Repository::read).anyMatch(c -> c.contains("@SpringBootApplication"))) {
                modules.add(module);
            }
        }
        return modules;
    }
}
