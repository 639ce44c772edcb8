package dev.agentmesh.gateway;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A stand-in for the OpenAI Realtime API whose every server event is written by the test: it records what the
 * gateway sends and the Authorization header it presents, greets with {@code session.created}, and sends what
 * the test tells it to. A bare embedded Tomcat, so no second Spring context is involved.
 */
public final class ScriptedUpstream implements AutoCloseable {

    private final Tomcat tomcat;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<String> pongs = new CopyOnWriteArrayList<>();

    private ScriptedUpstream() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("scripted-upstream").toString());
        tomcat.setPort(0);
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        // Tomcat runs filters (the WebSocket upgrade is one) only for a request some servlet is mapped to.
        Tomcat.addServlet(context, "nothing", new jakarta.servlet.http.HttpServlet() { });
        context.addServletMappingDecoded("/", "nothing");
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(Upstream.class, "/v1/realtime")
                        .configurator(new ServerEndpointConfig.Configurator() {
                            @Override
                            public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                                                        HandshakeResponse response) {
                                List<String> values = request.getHeaders().get("Authorization");
                                authorizations.add(values == null ? "" : String.join(",", values));
                            }

                            @Override
                            @SuppressWarnings("unchecked")
                            public <T> T getEndpointInstance(Class<T> type) {
                                return (T) new Upstream();
                            }
                        }).build());
            } catch (jakarta.websocket.DeploymentException e) {
                throw new IllegalStateException(e);
            }
        }, null);
        tomcat.start();
    }

    public static ScriptedUpstream start() {
        try {
            return new ScriptedUpstream();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the scripted upstream", e);
        }
    }

    public String url() {
        return "ws://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/v1/realtime";
    }

    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Every event the gateway sent, all sessions, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    public List<String> received(String type) {
        return received.stream().filter(event -> event.contains("\"type\":\"" + type + "\"")).toList();
    }

    public String awaitReceived(String type, Predicate<String> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> received(type).stream().anyMatch(condition));
        return received(type).stream().filter(condition).findFirst().orElseThrow();
    }

    /** Sends a server event on the most recently opened session. */
    public void send(String event) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sessions.isEmpty());
        Session session = sessions.getLast();
        try {
            synchronized (session) {
                session.getBasicRemote().sendText(event);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one server event in parts (one frame and its continuations) on the most recent session. */
    public void sendInParts(List<String> parts) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !sessions.isEmpty());
        Session session = sessions.getLast();
        try {
            synchronized (session) {
                for (int i = 0; i < parts.size(); i++) {
                    session.getBasicRemote().sendText(parts.get(i), i == parts.size() - 1);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pings the most recent session with {@code payload}; {@link #pongs()} shows the answers. */
    public void ping(String payload) throws IOException {
        sessions.getLast().getBasicRemote().sendPing(java.nio.ByteBuffer.wrap(
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The payloads of the pongs received, all sessions. */
    public List<String> pongs() {
        return List.copyOf(pongs);
    }

    /** Plays the model calling {@code ask_agents} in one response, as the GA API sends it. */
    public void modelCallsAskAgents(String callId, String arguments) {
        String itemId = "item_" + callId;
        String escaped = arguments.replace("\\", "\\\\").replace("\"", "\\\"");
        String responseId = "resp_" + UUID.randomUUID().toString().substring(0, 8);
        String inProgress = "{\"id\":\"" + itemId + "\",\"object\":\"realtime.item\",\"type\":\"function_call\","
                + "\"status\":\"in_progress\",\"name\":\"ask_agents\",\"call_id\":\"" + callId + "\",\"arguments\":\"\"}";
        String done = "{\"id\":\"" + itemId + "\",\"object\":\"realtime.item\",\"type\":\"function_call\","
                + "\"status\":\"completed\",\"name\":\"ask_agents\",\"call_id\":\"" + callId + "\",\"arguments\":\""
                + escaped + "\"}";
        for (String event : List.of(
                "{\"type\":\"response.created\",\"response\":{\"id\":\"" + responseId + "\",\"status\":\"in_progress\"}}",
                "{\"type\":\"response.output_item.added\",\"response_id\":\"" + responseId + "\",\"output_index\":0,"
                        + "\"item\":" + inProgress + "}",
                "{\"type\":\"conversation.item.added\",\"item\":" + inProgress + "}",
                "{\"type\":\"response.function_call_arguments.delta\",\"response_id\":\"" + responseId
                        + "\",\"item_id\":\"" + itemId + "\",\"call_id\":\"" + callId + "\",\"delta\":\"" + escaped + "\"}",
                "{\"type\":\"response.function_call_arguments.done\",\"response_id\":\"" + responseId
                        + "\",\"item_id\":\"" + itemId + "\",\"call_id\":\"" + callId + "\",\"arguments\":\"" + escaped + "\"}",
                "{\"type\":\"response.output_item.done\",\"response_id\":\"" + responseId + "\",\"output_index\":0,"
                        + "\"item\":" + done + "}",
                "{\"type\":\"conversation.item.done\",\"item\":" + done + "}",
                "{\"type\":\"response.done\",\"response\":{\"id\":\"" + responseId + "\",\"status\":\"completed\","
                        + "\"output\":[" + done + "]}}")) {
            send(event);
        }
    }

    /** Sends on the most recent session unless the gateway has closed it meanwhile. */
    public void sendIfOpen(String event) {
        Session session = sessions.getLast();
        try {
            synchronized (session) {
                if (session.isOpen()) {
                    session.getBasicRemote().sendText(event);
                }
            }
        } catch (IOException | IllegalStateException closedMeanwhile) {
            // the gateway closed the session: what the caller is waiting for
        }
    }

    /** Drops the most recent session's socket, as a failing upstream would. */
    public void closeLatest(int code, String reason) throws IOException {
        sessions.getLast().close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    }

    public void forget() {
        received.clear();
    }

    /** Sessions the gateway opened so far, open or not. */
    public int sessionsOpened() {
        return sessions.size();
    }

    public int openSessions() {
        return (int) sessions.stream().filter(Session::isOpen).count();
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    private final class Upstream extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.setMaxTextMessageBufferSize(20 * 1024 * 1024);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
            session.addMessageHandler(jakarta.websocket.PongMessage.class, (MessageHandler.Whole<jakarta.websocket.PongMessage>)
                    pong -> pongs.add(java.nio.charset.StandardCharsets.UTF_8.decode(pong.getApplicationData()).toString()));
            sessions.add(session);
            try {
                session.getBasicRemote().sendText("{\"type\":\"session.created\",\"event_id\":\"event_0\","
                        + "\"session\":{\"type\":\"realtime\",\"object\":\"realtime.session\",\"id\":\"sess_1\"}}");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
