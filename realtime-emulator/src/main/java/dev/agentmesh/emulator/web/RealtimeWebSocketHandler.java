package dev.agentmesh.emulator.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import dev.agentmesh.emulator.session.EmulatedSession;
import dev.agentmesh.emulator.session.ScheduledSerialExecutor;
import dev.agentmesh.emulator.transcription.PhraseBook;

/**
 * Binds each WebSocket connection to an {@link EmulatedSession}. Text messages may arrive in parts
 * (appends are large); they are joined here up to the configured limit.
 */
final class RealtimeWebSocketHandler extends AbstractWebSocketHandler implements SubProtocolCapable {

    private static final Logger log = LoggerFactory.getLogger(RealtimeWebSocketHandler.class);

    /** One connection's engine, its thread, and the text message being joined from parts. */
    private static final class Connection {

        private final EmulatedSession session;
        private final ScheduledSerialExecutor executor;
        private final StringBuilder pending = new StringBuilder();
        private boolean oversized;

        Connection(EmulatedSession session, ScheduledSerialExecutor executor) {
            this.session = session;
            this.executor = executor;
        }
    }

    private final EmulatorProperties properties;
    private final PhraseBook voice;
    private final ConnectionLog connectionLog;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionCount = new AtomicLong();

    RealtimeWebSocketHandler(EmulatorProperties properties, PhraseBook voice, ConnectionLog connectionLog) {
        this.properties = properties;
        this.voice = voice;
        this.connectionLog = connectionLog;
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of("realtime");
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws IOException {
        Map<String, Object> attributes = socket.getAttributes();
        connectionLog.credentialPresented((String) attributes.getOrDefault(HandshakeCredentials.CREDENTIAL, ""));
        if (Boolean.TRUE.equals(attributes.get(HandshakeCredentials.BETA))) {
            socket.sendMessage(new TextMessage("{\"type\":\"error\",\"event_id\":\"event_beta\",\"error\":{"
                    + "\"type\":\"invalid_request_error\",\"code\":\"beta_api_shape_disabled\",\"message\":"
                    + "\"The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.\","
                    + "\"param\":null,\"event_id\":null}}"));
            socket.close(new CloseStatus(4000, "beta_api_shape_disabled"));
            return;
        }
        WebSocketSession sender = new ConcurrentWebSocketSessionDecorator(socket, 30_000,
                (int) Math.min(Integer.MAX_VALUE, properties.maxTextMessageSize().toBytes() * 2));
        ScheduledSerialExecutor executor = new ScheduledSerialExecutor("realtime-session-" + connectionCount.incrementAndGet());
        String model = (String) attributes.get(HandshakeCredentials.MODEL);
        EmulatedSession session = new EmulatedSession(model, voice, executor, json -> send(sender, json),
                new EmulatedSession.Options(properties.defaultVoice(), properties.realtimePacing()),
                connectionLog::eventReceived);
        connections.put(socket.getId(), new Connection(session, executor));
        log.info("Realtime session opened: connection={} model={}", socket.getId(), model.isEmpty() ? "gpt-realtime" : model);
        session.open();
    }

    private static void send(WebSocketSession socket, String json) {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.sendMessage(new TextMessage(json));
        } catch (IOException | IllegalStateException e) {
            log.debug("Dropping server event for closed connection {}: {}", socket.getId(), e.toString());
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        Connection connection = connections.get(socket.getId());
        if (connection == null) {
            return;
        }
        if (connection.pending.length() + message.getPayloadLength() > properties.maxTextMessageSize().toBytes()) {
            connection.oversized = true;
            connection.pending.setLength(0);
        }
        if (!connection.oversized) {
            connection.pending.append(message.getPayload());
        }
        if (!message.isLast()) {
            return;
        }
        if (connection.oversized) {
            connection.session.reject("message_too_large", "The event exceeds the maximum size of "
                    + properties.maxTextMessageSize().toMegabytes() + " MB.");
        } else {
            connection.session.receive(connection.pending.toString());
        }
        connection.pending.setLength(0);
        connection.oversized = false;
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
        Connection connection = connections.get(socket.getId());
        if (connection != null && message.isLast()) {
            connection.session.reject("invalid_event", "Binary frames are not supported; send JSON text events.");
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        Connection connection = connections.remove(socket.getId());
        if (connection != null) {
            connection.executor.close();
            log.info("Realtime session closed: connection={} status={}", socket.getId(), status.getCode());
        }
    }
}
