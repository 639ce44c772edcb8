package dev.agentmesh.benchmarks;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the realtime API that answers every {@code input_audio_buffer.append} with one
 * {@code response.output_audio.delta} carrying 20 ms of PCM16 24 kHz audio (960 bytes, base64), stamped with
 * System.nanoTime() in its event_id just before it is written. Clients in this JVM compute each delta's
 * one-way latency from that stamp, whether connected directly or through the gateway. A bare embedded Tomcat: the
 * upstream before {@link NettyDeltaUpstream}, kept for {@code run.sh --relay --load=jdk}.
 */
final class DeltaUpstream implements RelayUpstream {

    static final String STAMP = "bench_";
    static final String AUDIO_20MS = Base64.getEncoder().encodeToString(new byte[960]);

    private final Tomcat tomcat;
    private final AtomicLong sent = new AtomicLong();

    DeltaUpstream() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("delta-upstream").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("maxConnections", "10000");
        Context context = tomcat.addContext("", null);
        // Tomcat runs filters (the WebSocket upgrade is one) only for a request some servlet is mapped to.
        Tomcat.addServlet(context, "nothing", new jakarta.servlet.http.HttpServlet() { });
        context.addServletMappingDecoded("/", "nothing");
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            try {
                // selects the subprotocol clients offer, as the realtime API does (Netty's client insists on it)
                container.addEndpoint(ServerEndpointConfig.Builder.create(Upstream.class, "/v1/realtime")
                        .subprotocols(java.util.List.of("realtime"))
                        .configurator(new ServerEndpointConfig.Configurator() {
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

    @Override
    public String url() {
        return "ws://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/v1/realtime";
    }

    long deltasSent() {
        return sent.get();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    private final class Upstream extends Endpoint {

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            // Tomcat allocates this per session up front (bytes and chars); the gateway's first session.update
            // is the largest event it receives, a few KiB.
            session.setMaxTextMessageBufferSize(64 * 1024);
            send(session, "{\"type\":\"session.created\",\"event_id\":\"evt_created\",\"session\":{\"type\":\"realtime\"}}");
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                if (text.contains("\"input_audio_buffer.append\"")) {
                    send(session, "{\"type\":\"response.output_audio.delta\",\"event_id\":\"" + STAMP
                            + System.nanoTime() + "\",\"response_id\":\"resp_bench\",\"item_id\":\"item_bench\","
                            + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + AUDIO_20MS + "\"}");
                    sent.incrementAndGet();
                }
            });
        }

        private void send(Session session, String text) {
            try {
                synchronized (session) {
                    session.getBasicRemote().sendText(text);
                }
            } catch (IOException | IllegalStateException e) {
                // the client went away; its side counts the error
            }
        }
    }
}
