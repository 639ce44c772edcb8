package dev.agentmesh.gateway.e2e;

import dev.agentmesh.chat.ChatAgentApplication;
import dev.agentmesh.emulator.RealtimeEmulator;
import dev.agentmesh.gateway.GatewayApplication;
import dev.agentmesh.manager.AgentManagerApplication;
import dev.agentmesh.memory.MemoryStoreApplication;
import dev.agentmesh.news.NewsAgentApplication;
import dev.agentmesh.testing.RecordedSpans;
import dev.agentmesh.testing.TestKafka;
import dev.agentmesh.weather.WeatherAgentApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole system in this JVM, each service in its own Spring context with its own application.yml, against
 * the test broker: the realtime-emulator as the upstream, the gateway, the manager and the three agents with
 * their offline providers, and the memory store. The same code paths run as in production; only providers and
 * endpoints change. Every service exports every span to one in-memory exporter ({@link #spans()}).
 */
final class MeshUnderTest implements AutoCloseable {

    static final String SERVER_KEY = "sk-e2e-server-key-0042";

    private final RealtimeEmulator emulator;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final ConfigurableApplicationContext gateway;
    private final int memoryPort;
    private final RecordedSpans spans = new RecordedSpans();

    private MeshUnderTest() throws IOException {
        emulator = RealtimeEmulator.start();
        memoryPort = freePort();
        services.add(start(MemoryStoreApplication.class, "memory-store",
                "spring.kafka.streams.state-dir=" + Files.createTempDirectory("memory-state"),
                "spring.kafka.streams.application-id=memory-store-e2e",
                "server.port=" + memoryPort, "memory.advertised-address=127.0.0.1:" + memoryPort));
        services.add(start(AgentManagerApplication.class, "agent-manager",
                "spring.kafka.streams.state-dir=" + Files.createTempDirectory("manager-state"),
                "spring.kafka.streams.application-id=agent-manager-e2e"));
        services.add(start(WeatherAgentApplication.class, "weather-agent", "weather.provider=offline"));
        services.add(start(NewsAgentApplication.class, "news-agent", "news.provider=offline"));
        services.add(start(ChatAgentApplication.class, "chat-agent", "chat.llm.llm-api-key=",
                "chat.llm.openai-api-key=", "chat.llm.base-url="));
        gateway = start(GatewayApplication.class, "gateway",
                "gateway.instance-id=gateway-e2e",
                "gateway.reply-partition=0",
                // the whole mesh shares this JVM: its CPU is not the gateway's, so the CPU capacity signal is off here
                "gateway.capacity.max-cpu=1.0",
                "gateway.upstream.url=" + emulator.url(),
                "gateway.upstream.api-key=" + SERVER_KEY,
                "gateway.memory.store-url=" + memoryUrl(),
                // the fuzz test means every frame to reach the parser, not the rate limit
                "gateway.access.events-per-second=10000", "gateway.access.burst=10000");
        services.add(gateway);
    }

    static MeshUnderTest start() {
        try {
            return new MeshUnderTest();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int gatewayPort() {
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port", "0"));
    }

    String realtimeUrl() {
        return "ws://127.0.0.1:" + gatewayPort() + "/v1/realtime";
    }

    String pageUrl() {
        return "http://127.0.0.1:" + gatewayPort() + "/";
    }

    String memoryUrl() {
        return "http://127.0.0.1:" + memoryPort;
    }

    RealtimeEmulator emulator() {
        return emulator;
    }

    RecordedSpans spans() {
        return spans;
    }

    /**
     * Another gateway instance on the same broker and upstream, as a second pod behind a load balancer, reading its
     * own partition of agent-results.
     */
    ConfigurableApplicationContext startSecondGateway(String instanceId, int replyPartition) {
        return start(GatewayApplication.class, "gateway",
                "gateway.instance-id=" + instanceId,
                "gateway.reply-partition=" + replyPartition,
                "gateway.capacity.max-cpu=1.0",
                "gateway.upstream.url=" + emulator.url(),
                "gateway.upstream.api-key=" + SERVER_KEY);
    }

    /** A gateway serving https and wss with the keystore given, as users turn it on (SPRING_PROFILES_ACTIVE=tls). */
    ConfigurableApplicationContext startTlsGateway(String instanceId, Path keystore, String password) {
        return start(GatewayApplication.class, "gateway",
                "spring.profiles.active=tls",
                "gateway.instance-id=" + instanceId,
                "gateway.reply-partition=2",
                "gateway.upstream.url=" + emulator.url(),
                "gateway.upstream.api-key=" + SERVER_KEY,
                "GATEWAY_TLS_KEYSTORE=file:" + keystore,
                "GATEWAY_TLS_KEYSTORE_PASSWORD=" + password);
    }

    ConfigurableApplicationContext gateway() {
        return gateway;
    }

    <T> T gatewayBean(Class<T> type) {
        return gateway.getBean(type);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private ConfigurableApplicationContext start(Class<?> application, String module, String... extra) {
        // the directory, so that profile files beside application.yml (application-tls.yml) are found too
        Path config = Path.of("..", module, "src", "main", "resources").toAbsolutePath();
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.location=file:" + config + "/",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--spring.main.banner-mode=off"));
        RecordedSpans.EXPORT_AT_ONCE.forEach(property -> arguments.add("--" + property));
        for (String property : extra) {
            arguments.add("--" + property);
        }
        if (arguments.stream().noneMatch(argument -> argument.startsWith("--server.port="))) {
            arguments.add("--server.port=0");
        }
        return new SpringApplicationBuilder(application).initializers(spans::registerIn)
                .run(arguments.toArray(String[]::new));
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        emulator.close();
    }
}
