package dev.agentmesh.gateway.realtime;

import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Both upstream WebSocket clients, held to the same behaviour against a real upstream socket. */
class UpstreamConnectorIT {

    private static ScriptedUpstream upstream;
    private final List<String> texts = new CopyOnWriteArrayList<>();
    private final List<String> losses = new CopyOnWriteArrayList<>();
    private UpstreamConnector connector;

    @BeforeAll
    static void startUpstream() {
        upstream = ScriptedUpstream.start();
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        upstream.close();
    }

    @AfterEach
    void stopConnector() throws Exception {
        if (connector instanceof NettyUpstreamConnector netty) {
            netty.destroy();
        }
        upstream.forget();
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void presentsTheServersKeyAndRelaysTextBothWays(GatewayProperties.Upstream.Client client) throws Exception {
        UpstreamConnector.Socket socket = open(client, upstream.url());

        await().atMost(Duration.ofSeconds(10)).until(() -> texts.stream().anyMatch(t -> t.contains("session.created")));
        assertThat(upstream.authorizations()).last().isEqualTo("Bearer sk-upstream-test");
        socket.sendText("{\"type\":\"conversation.item.create\",\"text\":\"Grüße aus Köln 🌍\"}")
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        upstream.awaitReceived("conversation.item.create", event -> event.contains("Grüße aus Köln 🌍"));
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void sendsAFifteenMebibyteMessageWhole(GatewayProperties.Upstream.Client client) throws Exception {
        UpstreamConnector.Socket socket = open(client, upstream.url());
        String audio = "A".repeat(15 * 1024 * 1024);

        socket.sendText("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}");

        upstream.awaitReceived("input_audio_buffer.append", event -> event.length() > 15 * 1024 * 1024);
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void aMessageInPartsArrivesAsOneText(GatewayProperties.Upstream.Client client) throws Exception {
        open(client, upstream.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> !texts.isEmpty());

        upstream.sendInParts(List.of("{\"type\":\"response.output_text.delta\",", "\"delta\":\"Grüße ", "🌍\"}"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(texts).last()
                .isEqualTo("{\"type\":\"response.output_text.delta\",\"delta\":\"Grüße 🌍\"}"));
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void answersThePeersPing(GatewayProperties.Upstream.Client client) throws Exception {
        open(client, upstream.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> !texts.isEmpty());

        upstream.ping("are-you-there-" + client);

        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.pongs().contains("are-you-there-" + client));
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void reportsTheServersCloseWithItsCode(GatewayProperties.Upstream.Client client) throws Exception {
        open(client, upstream.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> !texts.isEmpty());

        upstream.closeLatest(1011, "upstream restarting");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(losses)
                .first().isEqualTo("closed with code 1011 (upstream restarting)"));
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void aCloseFromTheGatewayEndsTheUpstreamSession(GatewayProperties.Upstream.Client client) throws Exception {
        int before = settledOpenSessions();
        UpstreamConnector.Socket socket = open(client, upstream.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.openSessions() == before + 1);

        socket.close("session ended");

        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.openSessions() == before);
    }

    @ParameterizedTest
    @EnumSource(GatewayProperties.Upstream.Client.class)
    void anUpstreamThatIsNotThereFailsTheConnect(GatewayProperties.Upstream.Client client) {
        connector = connector(client, "ws://127.0.0.1:1/v1/realtime");

        assertThatThrownBy(() -> connector.connect(texts::add, losses::add).get(10, TimeUnit.SECONDS))
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
    }

    private UpstreamConnector.Socket open(GatewayProperties.Upstream.Client client, String url) throws Exception {
        connector = connector(client, url);
        return connector.connect(texts::add, losses::add).get(10, TimeUnit.SECONDS);
    }

    private static UpstreamConnector connector(GatewayProperties.Upstream.Client client, String url) {
        GatewayProperties.Upstream settings = new GatewayProperties.Upstream(url, "gpt-realtime", "sk-upstream-test",
                "", URI.create("wss://api.openai.com/v1/realtime"), URI.create("ws://127.0.0.1:8090/v1/realtime"),
                Duration.ofSeconds(5), client);
        return UpstreamClientConfiguration.connector(settings);
    }

    /** The upstream's open sessions once the count holds still: sockets of the tests before may still be closing. */
    private int settledOpenSessions() {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
            int now = upstream.openSessions();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        return last[0];
    }
}
