package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.gateway.GatewayProperties;
import dev.agentmesh.gateway.access.HandshakeAccess;
import dev.agentmesh.gateway.access.ClientRates;
import dev.agentmesh.gateway.access.ClientSessions;
import dev.agentmesh.gateway.tasks.AgentCatalog;
import dev.agentmesh.gateway.tasks.ReplyAddress;
import dev.agentmesh.gateway.tasks.TaskListener;
import dev.agentmesh.gateway.tasks.TaskPublisher;
import dev.agentmesh.gateway.tasks.TaskRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.netty.channel.Channel;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.websocket.WebsocketInbound;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
class RelayHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

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

    /**
     * One client socket from its handshake to its end. Reactor Netty gives the socket's frames as they come (parts of
     * a message unaggregated); the session is opened off the event loop (a resumed conversation is looked up in the
     * memory store, which may block). Frames that arrived meanwhile wait in Reactor Netty and are handed over, in
     * order, on the thread that opened the session; every later one on the socket's event loop.
     */
    @Override
    public Mono<Void> handle(WebSocketSession client) {
        RealtimeUpgrade.Socket netty = (RealtimeUpgrade.Socket) client;
        WebsocketInbound inbound = netty.inbound();
        Channel[] channel = new Channel[1];
        inbound.withConnection(open -> channel[0] = open.channel());
        countDecoderBytes(channel[0]);
        ClientSocket socket = new ClientSocket(channel[0], netty.outbound());
        Map<String, Object> attributes = client.getAttributes();
        URI uri = client.getHandshakeInfo().getUri();
        return Mono.fromCallable(() -> java.util.Optional.ofNullable(open(socket, attributes, uri)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(opened -> {
                    if (opened.isEmpty()) {
                        return inbound.receiveFrames().then();
                    }
                    Opened session = opened.get();
                    return inbound.receiveFrames().doOnNext(session.frames()::accept).then()
                            .onErrorResume(error -> {
                                log.debug("Client transport error: {}", error.toString());
                                return Mono.empty();
                            })
                            .then(inbound.receiveCloseStatus().map(status -> status.code()).defaultIfEmpty(1006)
                                    .onErrorReturn(1006))
                            .doOnNext(code -> session.relay().close("the client closed the session (" + code + ")"))
                            .then()
                            .doFinally(signal -> closed(session));
                })
                .doFinally(signal -> capacity.sessionsChanged());
    }

    /** A session and what it holds besides. */
    private record Opened(RelaySession relay, ClientFrames frames, String clientId, ScheduledFuture<?> expiry) {
    }

    /** The session for a new client socket, or null when it was refused (the client was told why). */
    private Opened open(ClientSocket client, Map<String, Object> attributes, URI uri) {
        String clientId = (String) attributes.getOrDefault(HandshakeAccess.CLIENT, "unknown");
        if (!rates.tryConnect(clientId)) {
            refuseSession(client, clientId, "connect_rate_exceeded", "This client opened as many realtime sessions "
                    + "this minute as it may (" + properties.limits().connectsPerMinute() + "); try again shortly.");
            return null;
        }
        if (!clients.tryOpen(clientId)) {
            refuseSession(client, clientId, "session_limit_reached", "This client already holds as many realtime "
                    + "sessions as it may (" + properties.access().maxSessionsPerClient() + ").");
            return null;
        }
        var query = UriComponentsBuilder.fromUri(uri).build().getQueryParams();
        boolean agentEvents = "true".equals(query.getFirst("agent_events"));
        String user = (String) attributes.get(HandshakeAccess.USER);
        String resume = query.getFirst("conversation_id");
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
            refuseSession(client, clientId, "server_shutting_down", "This gateway is shutting down; connect again "
                    + "(the load balancer sends you to another instance).");
            return null;
        }
        long limit = limits.maxMessageSize().toBytes();
        noticeTooLarge(client.channel(), limit, session.conversationId());
        OutboundChannel toClient = new OutboundChannel("client-" + conversationId,
                limits.clientQueue().toBytes(), budget, client)
                .start(() -> session.close("the client connection failed"));
        // The session is wired completely before an upstream socket opens: its first event may arrive at once.
        session.attach(toClient, client::close, (onText, onLost) -> openUpstream(conversationId, client.channel(),
                onText, onLost));
        capacity.sessionsChanged();
        Duration lifetime = properties.access().maxSessionDuration();
        ScheduledFuture<?> expiry = scheduler.schedule(session::expire, lifetime.toMillis(), TimeUnit.MILLISECONDS);
        return new Opened(session, new ClientFrames(session, budget, limit), clientId, expiry);
    }

    /** The client socket ended: what the session held is given back. */
    private void closed(Opened session) {
        session.relay().close("the client socket ended");
        drain.ended(session.relay());
        session.expiry().cancel(false);
        session.frames().discard();
        clients.closed(session.clientId());
    }

    /**
     * What Netty's frame decoder holds of a frame not yet complete counts against the buffer budget
     * ({@link DecoderBudget}); past it, the client hears why and the socket is closed (1013, try again later).
     */
    private void countDecoderBytes(Channel channel) {
        DecoderBudget decoderBudget = new DecoderBudget(budget, () -> {
            metrics.refused("buffer_budget_exhausted");
            log.warn("Gateway buffer budget spent while a client frame was arriving, closing the socket");
            String error = RealtimeJson.error("server_error", "buffer_budget_exhausted", "The gateway is holding as "
                    + "much client data as it may right now; the session is closed. Connect again shortly.", null);
            channel.write(new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(
                    io.netty.buffer.ByteBufUtil.writeUtf8(channel.alloc(), error)));
            channel.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(
                            io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.TRY_AGAIN_LATER))
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        });
        Runnable install = () -> {
            if (channel.pipeline().get("wsdecoder") != null && channel.pipeline().get(DecoderBudget.COUNTING) == null) {
                decoderBudget.installAround(channel, "wsdecoder");
            }
        };
        if (channel.eventLoop().inEventLoop()) {
            install.run();
        } else {
            channel.eventLoop().execute(install);
        }
    }

    /** A single frame over the limit is refused by Netty's decoder; the client hears why first. */
    private static void noticeTooLarge(Channel channel, long limit, String conversationId) {
        String error = RealtimeJson.error("invalid_request_error", "message_too_large",
                "A message may be at most " + limit + " bytes; the session is closed.", null);
        channel.eventLoop().execute(() -> {
            if (channel.pipeline().get("wsdecoder") != null && channel.pipeline().get(TooLargeNotice.NAME) == null) {
                channel.pipeline().addBefore("wsdecoder", TooLargeNotice.NAME, new TooLargeNotice(error,
                        () -> log.warn("Client frame over {} bytes, closing: conversationId={}", limit,
                                conversationId)));
            }
        });
    }

    /** One upstream socket, written through its own channel, which waits until the socket is open. */
    private RelaySession.Upstream openUpstream(String conversationId, Channel beside,
                                               java.util.function.Consumer<String> onText,
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
        connector.connect(onText, onLost, beside).whenComplete((socket, error) -> {
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

    private void refuseSession(ClientSocket client, String clientId, String code, String message) {
        log.info("Refused a realtime session for client {}: {}", clientId, code);
        metrics.refused(code);
        client.send(RealtimeJson.error("invalid_request_error", code, message, null));
        client.close(RelaySession.CLOSE_POLICY);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
