package dev.agentmesh.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every agent module (module &lt;agent&gt;-agent, its code implementing Agent) runs everywhere the others run: Kubernetes (its entry
 * under k8s/agents, see AddAnAgentTests), compose, compose's Prometheus and the local run, on the port its
 * application.yml gives it; and nothing runs an agent that has no module. A new agent missing one of these fails
 * here, naming the place.
 */
class AgentEntriesTests {

    static final Pattern LOCAL_SERVICE = Pattern.compile("\"([a-z0-9-]+):([0-9]+):([a-z0-9-]+)\"");

    @Test
    void everyAgentModuleHasItsEntryEverywhere() {
        Set<String> modules = agentModules();
        assertThat(modules).as("agent modules").contains("weather-agent", "news-agent", "chat-agent");
        List<String> problems = new ArrayList<>();

        Set<String> k8s = new TreeSet<>();
        Map<?, ?> list = new Yaml().load(Repository.read(Repository.path("k8s/agents/kustomization.yaml")));
        for (Object entry : (List<?>) list.get("resources")) {
            k8s.add(entry + "-agent");
        }
        Map<?, ?> compose = (Map<?, ?>) ((Map<?, ?>) new Yaml().load(Repository.read(Repository.path("deploy/compose.yaml"))))
                .get("services");
        String prometheus = Repository.read(Repository.path("deploy/prometheus/prometheus.yml"));
        Map<String, String> local = new java.util.TreeMap<>();
        Matcher m = LOCAL_SERVICE.matcher(Repository.read(Repository.path("deploy/local/common.sh")));
        while (m.find()) {
            local.put(m.group(3), m.group(2));
        }
        for (String module : modules) {
            String port = ServiceConsumption.applicationConfig(module).get("server.port");
            if (!k8s.contains(module)) {
                problems.add(module + ": no entry in k8s/agents/kustomization.yaml (k8s/agents/"
                        + module.replaceFirst("-agent$", "") + "/)");
            }
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
        for (String entry : k8s) {
            if (!modules.contains(entry)) {
                problems.add("k8s/agents lists " + entry + ", which is no agent module");
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Agent services: modules named &lt;agent&gt;-agent whose main code implements the SDK's Agent interface. */
    static Set<String> agentModules() {
        Set<String> modules = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Repository.ROOT)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String module = dir.getFileName().toString();
                if (module.endsWith("-agent") && Files.isDirectory(dir.resolve("src/main/java"))
                        && ServiceConsumption.of(module).map(ServiceConsumption::agentName).isPresent()) {
                    modules.add(module);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modules;
    }
}
