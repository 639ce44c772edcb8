package dev.agentmesh.memory;

import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** One memory-store application in this JVM against the test broker, with a plain HTTP client for its API. */
public final class MemoryInstance implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ConfigurableApplicationContext context;
    private final int port;

    private MemoryInstance(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    /** Starts an instance of {@code applicationId} keeping its stores in {@code stateDir}. */
    public static MemoryInstance start(String applicationId, Path stateDir, String... extraProperties) {
        int port = freePort();
        List<String> properties = new ArrayList<>(List.of(
                "spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "spring.kafka.streams.application-id=" + applicationId,
                "spring.kafka.streams.state-dir=" + stateDir,
                "server.port=" + port,
                "memory.advertised-address=127.0.0.1:" + port,
                "spring.main.banner-mode=off"));
        properties.addAll(List.of(extraProperties));
        // as command-line arguments, so they win over application.yml
        return new MemoryInstance(new SpringApplicationBuilder(MemoryStoreApplication.class)
                .run(properties.stream().map(property -> "--" + property).toArray(String[]::new)), port);
    }

    public KafkaStreams streams() {
        return context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    }

    public MemoryInstance awaitRunning() {
        await().atMost(Duration.ofSeconds(90)).until(() -> streams() != null
                && streams().state() == KafkaStreams.State.RUNNING);
        return this;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response put(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP answer; {@link #json()} parses its body. */
    public record Response(int status, String body, String contentType, String retryAfter) {

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
