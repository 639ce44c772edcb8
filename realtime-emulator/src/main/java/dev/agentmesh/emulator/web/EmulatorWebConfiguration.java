package dev.agentmesh.emulator.web;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;
import dev.agentmesh.emulator.transcription.PhraseBook;

/**
 * The {@code /v1/realtime} WebSocket endpoint and the {@code /v1/emulator/*} test endpoints. Deliberately not a scanned {@code @Configuration}: both the
 * standalone application and the embedded test library import it explicitly.
 */
@EnableWebSocket
@EnableConfigurationProperties(EmulatorProperties.class)
public class EmulatorWebConfiguration implements WebSocketConfigurer, DisposableBean {

    /** Tomcat's per-part buffer; whole messages are joined by the handler up to the configured maximum. */
    private static final int CONTAINER_BUFFER_BYTES = 1024 * 1024;

    private final EmulatorProperties properties;
    private final ConnectionLog connectionLog = new ConnectionLog();
    private final PhraseBook phrases;

    public EmulatorWebConfiguration(EmulatorProperties properties) {
        this.properties = properties;
        this.phrases = PhraseBook.start(SpeechSynthesizer.bestAvailable(), properties.transcription().phrases(),
                properties.transcription().maxLearnedPhrases());
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new RealtimeWebSocketHandler(properties, phrases, connectionLog), "/v1/realtime")
                .addInterceptors(new HandshakeCredentials())
                .setAllowedOriginPatterns("*");
    }

    @Override
    public void destroy() {
        phrases.close();
    }

    @Bean
    PhraseBook realtimePhraseBook() {
        return phrases;
    }

    @Bean
    SimpleUrlHandlerMapping realtimeSpeechEndpoints() {
        return new SpeechEndpoint(phrases).mapping();
    }

    @Bean
    ConnectionLog realtimeConnectionLog() {
        return connectionLog;
    }

    @Bean
    ServletServerContainerFactoryBean realtimeWebSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(CONTAINER_BUFFER_BYTES);
        container.setMaxBinaryMessageBufferSize(CONTAINER_BUFFER_BYTES);
        container.setMaxSessionIdleTimeout(0L);
        return container;
    }
}
