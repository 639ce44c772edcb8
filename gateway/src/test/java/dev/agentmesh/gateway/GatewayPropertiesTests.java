package dev.agentmesh.gateway;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's key never travels in clear text to the upstream. */
class GatewayPropertiesTests {

    @Test
    void aKeyGoesOnlyOverWssOrToLoopback() {
        assertThatThrownBy(() -> upstream("ws://realtime.example.com/v1/realtime", "sk-secret"))
                .hasMessageContaining("clear text").hasMessageNotContaining("sk-secret");
        assertThat(upstream("wss://realtime.example.com/v1/realtime", "sk-secret").endpoint().getScheme())
                .isEqualTo("wss");
        assertThat(upstream("ws://127.0.0.1:8090/v1/realtime", "sk-secret").endpoint().getHost())
                .isEqualTo("127.0.0.1");
        assertThat(upstream("ws://realtime.example.com/v1/realtime", "").offline()).isTrue();
    }

    private static GatewayProperties.Upstream upstream(String url, String key) {
        return new GatewayProperties.Upstream(url, "gpt-realtime", key, "gpt-4o-mini-transcribe",
                URI.create("wss://api.openai.com/v1/realtime"), URI.create("ws://127.0.0.1:8090/v1/realtime"),
                Duration.ofSeconds(5), GatewayProperties.Upstream.Client.NETTY);
    }
}
