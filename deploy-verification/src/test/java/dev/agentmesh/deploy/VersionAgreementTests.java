package dev.agentmesh.deploy;

import io.strimzi.api.kafka.model.kafka.Kafka;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Kafka version everywhere: the clients Maven resolves from the root pom (Spring Boot's kafka.version, on this
 * test's classpath too), compose's broker, the Testcontainers broker of kafka-test-support (the in-process one is
 * the resolved jar itself, as is deploy/local's) and the Strimzi cluster of every overlay.
 */
class VersionAgreementTests {

    static final Pattern IMAGE_TAG = Pattern.compile("\"apache/kafka(?:-native)?:([0-9][^\"]*)\"");

    @Test
    void composeTestsAndEveryOverlayRunTheKafkaVersionTheBuildResolves() {
        String resolved = AppInfoParser.getVersion();
        assertThat(resolved).as("kafka-clients version on the classpath").matches("[0-9]+\\.[0-9]+\\.[0-9]+");
        List<String> problems = new ArrayList<>();

        Map<?, ?> compose = new Yaml().load(Repository.read(Repository.path("deploy/compose.yaml")));
        String composeImage = String.valueOf(((Map<?, ?>) ((Map<?, ?>) compose.get("services")).get("kafka")).get("image"));
        if (!composeImage.equals("apache/kafka:" + resolved)) {
            problems.add("deploy/compose.yaml runs " + composeImage);
        }

        List<String> testImages = new ArrayList<>();
        for (Path source : Repository.mainSources("kafka-test-support")) {
            Matcher m = IMAGE_TAG.matcher(Repository.read(source));
            while (m.find()) {
                testImages.add(m.group(1));
            }
        }
        if (testImages.isEmpty() || testImages.stream().anyMatch(v -> !v.equals(resolved))) {
            problems.add("kafka-test-support's broker images are " + testImages);
        }

        for (String overlay : Repository.overlays()) {
            for (Kafka kafka : Manifests.of(overlay).all(Kafka.class)) {
                String version = kafka.getSpec().getKafka().getVersion();
                String metadata = kafka.getSpec().getKafka().getMetadataVersion();
                String minor = resolved.substring(0, resolved.lastIndexOf('.'));
                if (!resolved.equals(version)) {
                    problems.add("k8s/overlays/" + overlay + ": Kafka " + kafka.getMetadata().getName() + " runs " + version);
                }
                if (metadata == null || !metadata.startsWith(minor + "-")) {
                    problems.add("k8s/overlays/" + overlay + ": metadataVersion " + metadata + " is not a " + minor + " one");
                }
            }
        }
        assertThat(problems).as("places that do not run Kafka %s, the version the root pom resolves", resolved).isEmpty();
    }
}
