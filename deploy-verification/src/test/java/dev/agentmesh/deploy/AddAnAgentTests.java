package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import dev.agentmesh.events.Topics;
import dev.agentmesh.sdk.runtime.AgentAutoConfiguration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adding an agent to Kubernetes is one entry: a directory k8s/agents/&lt;agent&gt;/ (a copy of weather's with the name
 * changed) listed in k8s/agents/kustomization.yaml. This adds a sample agent exactly so, in a copy of k8s/, renders
 * every overlay and checks that the sample gets everything weather gets (Deployment, Service, PDB, ServiceMonitor,
 * ScaledObject, KafkaUser with its ACLs, both topics) under its own names, that the policies and the manager's ACLs
 * that select agents select it too, and that nothing else changed.
 */
class AddAnAgentTests {

    static final String SAMPLE = "sample";
    static final String MODEL = "weather";
    static final KubernetesSerialization YAML = new KubernetesSerialization();

    @TempDir
    static Path copy;

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void aSampleAgentAddedByOneEntryGetsWhatEveryAgentGets(String overlay) throws IOException {
        Path root = copyWithSampleAgent();
        Manifests before = Manifests.of(overlay);
        Manifests after = Manifests.parse(overlay, Kubectl.render(root.resolve("k8s/overlays/" + overlay)));
        assertThat(after.unknownFields()).as("unknown fields with the sample agent").isEmpty();

        Map<String, HasMetadata> old = byId(before.resources());
        Map<String, HasMetadata> added = byId(after.resources());
        old.keySet().forEach(added::remove);
        Map<String, HasMetadata> model = byId(before.resources().stream()
                .filter(r -> r.getMetadata().getName().startsWith(MODEL + "-")).toList());
        assertThat(added.keySet()).as("what the sample entry adds in %s", overlay)
                .isEqualTo(model.keySet().stream().map(this::renamed).collect(Collectors.toCollection(TreeSet::new)));
        for (var entry : model.entrySet()) {
            String expected = renamed(normalised(entry.getValue()));
            assertThat(normalised(added.get(renamed(entry.getKey())))).as("%s in %s, as weather's with the sample's names",
                    renamed(entry.getKey()), overlay).isEqualTo(expected);
        }
        for (HasMetadata resource : before.resources()) {
            assertThat(YAML.asYaml(after.named(resource.getClass(), resource.getMetadata().getName()).orElseThrow()))
                    .as("%s is unchanged by adding an agent", id(resource)).isEqualTo(YAML.asYaml(resource));
        }

        String deployment = AgentAutoConfiguration.consumerGroup(SAMPLE);
        Map<String, String> pods = after.named(Deployment.class, deployment).orElseThrow()
                .getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> modelPods = before.named(Deployment.class, AgentAutoConfiguration.consumerGroup(MODEL)).orElseThrow()
                .getSpec().getTemplate().getMetadata().getLabels();
        for (NetworkPolicy policy : after.all(NetworkPolicy.class)) {
            assertThat(Manifests.selects(policy.getSpec().getPodSelector(), pods))
                    .as("NetworkPolicy %s selects the sample as it selects weather", policy.getMetadata().getName())
                    .isEqualTo(Manifests.selects(policy.getSpec().getPodSelector(), modelPods));
        }
        KafkaUser manager = after.named(KafkaUser.class, "agent-manager").orElseThrow();
        assertThat(RenderedManifestsTests.grants(RenderedManifestsTests.acls(manager), "topic", Topics.requestsFor(SAMPLE),
                StrimziAclOperation.WRITE)).as("the manager may write %s", Topics.requestsFor(SAMPLE)).isTrue();
    }

    /** The copy of k8s/ (and the dashboard it includes) with the one entry added, made once for all overlays. */
    private static synchronized Path copyWithSampleAgent() throws IOException {
        Path marker = copy.resolve("k8s/agents").resolve(SAMPLE);
        if (Files.isDirectory(marker)) {
            return copy;
        }
        copyTree(Repository.path("k8s"), copy.resolve("k8s"));
        copyTree(Repository.path("deploy/grafana/dashboards"), copy.resolve("deploy/grafana/dashboards"));
        // the entry: weather's kustomization with the name changed, and a line in the list
        Files.createDirectories(marker);
        Files.writeString(marker.resolve("kustomization.yaml"), Repository.read(Repository.path(
                "k8s/agents/" + MODEL + "/kustomization.yaml")).replace(MODEL, SAMPLE));
        Path list = copy.resolve("k8s/agents/kustomization.yaml");
        Files.writeString(list, Files.readString(list) + "  - " + SAMPLE + "\n");
        return copy;
    }

    private String renamed(String text) {
        return text.replace(MODEL, SAMPLE);
    }

    /** A resource as YAML without what an overlay sets per image (dev tags the images it knows). */
    private static String normalised(HasMetadata resource) {
        return YAML.asYaml(resource).replaceAll("(image: \"?ghcr\\.io/agent-mesh/[a-z-]+):[^\"\\s]+", "$1");
    }

    private static Map<String, HasMetadata> byId(List<HasMetadata> resources) {
        return resources.stream().collect(Collectors.toMap(AddAnAgentTests::id, Function.identity(), (a, b) -> a, TreeMap::new));
    }

    private static String id(HasMetadata resource) {
        return resource.getKind() + "/" + resource.getMetadata().getName();
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
