package dev.agentmesh.manager.flow;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The manager's probes, as Kubernetes reads them, tell whether its aggregation stream runs. */
class ManagerHealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ManagerInstance manager;

    @BeforeAll
    static void startManager() {
        manager = ManagerInstance.start("health-manager");
        manager.awaitRunning();
    }

    @AfterAll
    static void stopManager() {
        manager.close();
    }

    @Test
    void livenessAndReadinessFailOnceTheStreamNoLongerRuns() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(probe("liveness")).isEqualTo(200);
            assertThat(probe("readiness")).isEqualTo(200);
        });

        manager.bean(StreamsBuilderFactoryBean.class).stop();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(probe("liveness")).isEqualTo(503);
            assertThat(probe("readiness")).isEqualTo(503);
        });
    }

    private static int probe(String group) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + manager.port() + "/actuator/health/" + group)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains(response.statusCode() == 200 ? "\"UP\"" : "\"DOWN\"");
        return response.statusCode();
    }
}
