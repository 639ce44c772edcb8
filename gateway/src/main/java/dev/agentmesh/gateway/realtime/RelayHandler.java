package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.access.AccessInterceptor;
import dev.agentmesh.gateway.access.ClientRates;
import dev.agentmesh.gateway.access.ClientSessions;
import dev.agentmesh.gateway.tasks.AgentCatalog;
import dev.agentmesh.gateway.tasks.ReplyAddress;
import dev.agentmesh.gateway.tasks.TaskListener;
import dev.agentmesh.gateway.tasks.TaskPublisher;
import dev.agentmesh.gateway.tasks.TaskRoutes;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code /v1/realtime} endpoint: one {@link RelaySession} per client socket, each with its own upstream
 * socket. Selects the {@code realtime} subprotocol when a browser offers it; any credential a client offers
 * (subprotocol or header) stays here.
 */
@Component
class RelayHandler extends AbstractWebSocketHandler implements SubProtocolCapable {

    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);
    private static final String SESSION = "relay-session";
    private static final String SLOT = "relay-client-slot";
    private static final String EXPIRY = "relay-expiry";
    private static final String PARTIAL = "relay-partial-message";
    private static final Duration CLIENT_SEND_TIMEOUT = Duration.ofSeconds(20);

    private final ReplyAddress replyAddress;
    private final GatewayProperties properties;
    private final UpstreamConnector connector;
    private final AgentTool tool;
    private final RelaySession.Environment environment;
    private final ClientSessions clients;
    private final ClientRates rates;
    private final BufferBudget budget;
    private final GatewayMetrics metrics;
    private final ClientEventPolicy.Rules rules;
    private final ScheduledExecutorService scheduler;
    private final SessionDrain drain;
    private final dev.agentmesh.gateway.memory.MemoryStore memory;
    private final CapacityGuard capacity;
    private final io.micrometer.tracing.Tracer tracer;
    private final java.util.concurrent.ExecutorService publishing =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().name("relay-publish").factory());
    private static final java.util.regex.Pattern CONVERSATION_ID = java.util.regex.Pattern.compile("conv_[a-f0-9]{32}");

    RelayHandler(GatewayProperties properties, UpstreamConnector connector, AgentCatalog catalog,
                 TaskPublisher publisher, TaskRoutes routes, ScheduledExecutorService relayScheduler,
                 GatewayMetrics metrics, ClientSessions clients, ClientRates rates, BufferBudget budget,
                 SessionDrain drain, dev.agentmesh.gateway.memory.MemoryStore memory, ReplyAddress replyAddress,
                 CapacityGuard capacity,
                 org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.Tracer> tracers) {
        io.micrometer.tracing.Tracer tracer = tracers.getIfAvailable(() -> io.micrometer.tracing.Tracer.NOOP);
        this.tracer = tracer;
        this.replyAddress = replyAddress;
        this.drain = drain;
        this.capacity = capacity;
        this.memory = memory;
        this.properties = properties;
        this.connector = connector;
        this.clients = clients;
        this.rates = rates;
        this.budget = budget;
        this.metrics = metrics;
        this.scheduler = relayScheduler;
        GatewayProperties.Policy policy = properties.policy();
        this.rules = new ClientEventPolicy.Rules(properties.upstream().model(), policy.maxClientInstructions(),
                policy.allowSystemItems(), java.util.Set.copyOf(policy.mcpServers()));
        this.tool = new AgentTool(catalog);
        this.environment = new RelaySession.Environment() {
            @Override
            public void publish(AgentTaskRequested task, Runnable onFailure) {
                offTheSocketThread(() -> publisher.requested(task).exceptionally(error -> {
                    log.warn("Could not publish a task: taskId={} conversationId={}: {}", task.taskId(),
                            task.conversationId(), error.toString());
                    onFailure.run();
                    return null;
                }));
            }

            @Override
            public void cancel(AgentTaskCancelled cancelled) {
                offTheSocketThread(() -> publisher.cancelled(cancelled));
            }

            @Override
            public void record(TurnRecorded turn) {
                offTheSocketThread(() -> publisher.turn(turn));
            }

            @Override
            public void register(String taskId, TaskListener listener) {
                routes.register(taskId, listener);
            }

            @Override
            public void unregister(String taskId) {
                routes.remove(taskId);
            }

            @Override
            public ScheduledFuture<?> schedule(Runnable action, Duration delay) {
                return relayScheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public GatewayMetrics metrics() {
                return metrics;
            }

            @Override
            public CompletableFuture<dev.agentmesh.events.UserContext> profile(String user) {
                return memory.profile(user);
            }

            @Override
            public io.micrometer.tracing.Tracer tracer() {
                return tracer;
            }
        };
    }

    /**
     * A Kafka send may block (for metadata, or a full buffer: up to {@code max.block.ms}) while the broker is away.
     * Server events arrive on an upstream event-loop thread that every upstream socket on it shares, so sends (one
     * per turn or task; audio never takes this path) leave it for one thread that keeps them in order: a cancel
     * never overtakes its task. The span current where the send was asked for (a delegated turn's) goes with it,
     * so the record still carries the turn's trace.
     */
    private void offTheSocketThread(Runnable send) {
        io.micrometer.tracing.Span span = tracer.currentSpan();
        publishing.execute(() -> {
            try (io.micrometer.tracing.Tracer.SpanInScope ignored = tracer.withSpan(span)) {
                send.run();
            }
        });
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of("realtime");
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession client) {
        String clientId = (String) client.getAttributes().getOrDefault(AccessInterceptor.CLIENT, "unknown");
        if (!rates.tryConnect(clientId)) {
            refuseSession(client, clientId, "connect_rate_exceeded", "This client opened as many realtime sessions "
                    + "this minute as it may (" + properties.limits().connectsPerMinute() + "); try again shortly.");
            return;
        }
        if (!clients.tryOpen(clientId)) {
            refuseSession(client, clientId, "session_limit_reached", "This client already holds as many realtime "
                    + "sessions as it may (" + properties.access().maxSessionsPerClient() + ").");
            return;
        }
        client.getAttributes().put(SLOT, clientId);
        boolean agentEvents = client.getUri() != null && "true".equals(UriComponentsBuilder.fromUri(client.getUri())
                .build().getQueryParams().getFirst("agent_events"));
        String user = (String) client.getAttributes().get(AccessInterceptor.USER);
        String resume = client.getUri() == null ? null : UriComponentsBuilder.fromUri(client.getUri()).build()
                .getQueryParams().getFirst("conversation_id");
        // only the user's own stored conversation resumes; any other id starts a new one
        java.util.Optional<java.util.List<dev.agentmesh.events.ContextEntry>> earlier =
                resume != null && user != null && CONVERSATION_ID.matcher(resume).matches()
                        ? memory.conversation(user, resume) : java.util.Optional.empty();
        String conversationId = earlier.isPresent() ? resume
                : "conv_" + UUID.randomUUID().toString().replace("-", "");
        java.util.List<dev.agentmesh.events.ContextEntry> restored = earlier.orElse(java.util.List.of());
        GatewayProperties.Tasks tasks = properties.tasks();
        GatewayProperties.Limits limits = properties.limits();
        SessionBudgets budgets = new SessionBudgets(properties.access().eventsPerSecond(),
                properties.access().burst(), limits.inboundBytesPerSecond().toBytes(),
                limits.maxMessageSize().toBytes(), limits.tasksPerSession(), limits.delegationsPerTurn(),
                () -> rates.tryTask(clientId));
        GatewayProperties.Memory seeds = properties.memory();
        RelaySession session = new RelaySession(new RelaySession.Settings(conversationId, replyAddress,
                agentEvents, tasks.deadline(), tasks.grace(), tasks.contextTurns(), limits.idleTimeout(), rules,
                user, restored, seeds.seedTurns(), seeds.seedChars(), properties.capacity().maxAudioLag()),
                new SessionConfigurer(properties.instructions(), tool::definition,
                        properties.upstream().transcriptionModel()), budgets, environment);
        if (!drain.admit(session)) {
            clients.closed(clientId);
            client.getAttributes().remove(SLOT);
            refuseSession(client, clientId, "server_shutting_down", "This gateway is shutting down; connect again "
                    + "(the load balancer sends you to another instance).");
            return;
        }
        client.getAttributes().put(SESSION, session);

        OutboundChannel toClient = new OutboundChannel("client-" + conversationId,
                limits.clientQueue().toBytes(), budget, clientSender(client))
                .start(() -> session.close("the client connection failed"));
        // The session is wired completely before an upstream socket opens: its first event may arrive at once.
        session.attach(toClient, code -> close(client, code), (onText, onLost) -> openUpstream(conversationId, onText,
                onLost));
        capacity.sessionsChanged();
        Duration lifetime = properties.access().maxSessionDuration();
        ScheduledFuture<?> expiry = scheduler.schedule(session::expire, lifetime.toMillis(), TimeUnit.MILLISECONDS);
        client.getAttributes().put(EXPIRY, expiry);
    }

    /** Frames arrive in parts, so the container needs no message-sized buffer per session. */
    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession client, TextMessage message) {
        RelaySession session = session(client);
        if (session == null) {
            return;
        }
        PartialMessage partial = (PartialMessage) client.getAttributes().get(PARTIAL);
        if (message.isLast() && partial == null) {
            session.fromClient(message.getPayload());
            return;
        }
        if (partial == null) {
            partial = new PartialMessage(budget);
            client.getAttributes().put(PARTIAL, partial);
        }
        long limit = properties.limits().maxMessageSize().toBytes();
        switch (partial.append(message.getPayload(), limit)) {
            case TOO_LARGE -> {
                client.getAttributes().remove(PARTIAL);
                partial.discard();
                log.warn("Client message over {} bytes, closing: conversationId={}", limit, session.conversationId());
                session.tooLarge(limit);
            }
            case OVER_BUDGET -> {
                log.warn("Gateway buffer budget spent, dropping a client message: conversationId={}",
                        session.conversationId());
                session.refusedForBudget();
                if (message.isLast()) {
                    client.getAttributes().remove(PARTIAL);
                }
            }
            case SKIPPED -> {
                if (message.isLast()) {
                    client.getAttributes().remove(PARTIAL);
                }
            }
            case ACCEPTED -> {
                if (message.isLast()) {
                    client.getAttributes().remove(PARTIAL);
                    String text = partial.take();
                    session.fromClient(text);
                }
            }
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession client, BinaryMessage message) {
        RelaySession session = session(client);
        if (session != null && message.isLast()) {
            session.binaryFromClient();
        }
    }

    @Override
    public void handleTransportError(WebSocketSession client, Throwable error) {
        log.debug("Client transport error: {}", error.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession client, CloseStatus status) {
        RelaySession session = (RelaySession) client.getAttributes().get(SESSION);
        if (session != null) {
            session.close("the client closed the session (" + status.getCode() + ")");
            drain.ended(session);
        }
        if (client.getAttributes().get(EXPIRY) instanceof ScheduledFuture<?> expiry) {
            expiry.cancel(false);
        }
        if (client.getAttributes().remove(PARTIAL) instanceof PartialMessage partial) {
            partial.discard();
        }
        if (client.getAttributes().remove(SLOT) instanceof String clientId) {
            clients.closed(clientId);
        }
        capacity.sessionsChanged();
    }

    /** One upstream socket, written through its own channel, which waits until the socket is open. */
    private RelaySession.Upstream openUpstream(String conversationId, java.util.function.Consumer<String> onText,
                                               java.util.function.Consumer<String> onLost) {
        CompletableFuture<UpstreamConnector.Socket> upstream = new CompletableFuture<>();
        // what is offered before the socket opens waits in the channel; the first send starts once it is open
        OutboundChannel channel = new OutboundChannel("upstream-" + conversationId,
                properties.limits().upstreamQueue().toBytes(), budget, text -> {
                    UpstreamConnector.Socket open = upstream.isDone() && !upstream.isCompletedExceptionally()
                            ? upstream.join() : null;
                    return open != null ? open.sendText(text) : upstream.thenCompose(socket -> socket.sendText(text));
                })
                .start(() -> onLost.accept("the connection broke"));
        connector.connect(onText, onLost).whenComplete((socket, error) -> {
            if (error != null) {
                onLost.accept("cannot connect to " + connector.endpoint().getHost() + " ("
                        + rootCause(error).getClass().getSimpleName() + ")");
                upstream.completeExceptionally(error);
            } else {
                upstream.complete(socket);
            }
        });
        return new RelaySession.Upstream(channel, () -> upstream.thenAccept(socket -> socket.close("session ended")));
    }

    /**
     * Sends to the client without blocking: the container's asynchronous send, bounded by {@link #CLIENT_SEND_TIMEOUT}
     * (as its blocking send is), so that a peer that stops reading fails the channel instead of holding it forever.
     */
    private static OutboundChannel.Sender clientSender(WebSocketSession client) {
        if (client instanceof NativeWebSocketSession nativeSession
                && nativeSession.getNativeSession() instanceof Session socket) {
            RemoteEndpoint.Async remote = socket.getAsyncRemote();
            remote.setSendTimeout(CLIENT_SEND_TIMEOUT.toMillis());
            return text -> {
                CompletableFuture<Void> sent = new CompletableFuture<>();
                remote.sendText(text, result -> {
                    if (result.isOK()) {
                        sent.complete(null);
                    } else {
                        sent.completeExceptionally(result.getException());
                    }
                });
                return sent;
            };
        }
        return text -> {
            client.sendMessage(new TextMessage(text));
            return CompletableFuture.completedFuture(null);
        };
    }

    private void refuseSession(WebSocketSession client, String clientId, String code, String message) {
        log.info("Refused a realtime session for client {}: {}", clientId, code);
        metrics.refused(code);
        try {
            client.sendMessage(new TextMessage(RealtimeJson.error("invalid_request_error", code, message, null)));
        } catch (IOException | RuntimeException e) {
            log.debug("Could not tell the client: {}", e.toString());
        }
        close(client, CloseStatus.POLICY_VIOLATION.getCode());
    }

    private static RelaySession session(WebSocketSession client) {
        return (RelaySession) client.getAttributes().get(SESSION);
    }

    private static void close(WebSocketSession client, int code) {
        try {
            client.close(new CloseStatus(code));
        } catch (IOException | RuntimeException e) {
            log.debug("Closing the client socket failed: {}", e.toString());
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
