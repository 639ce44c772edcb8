package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.gateway.tasks.ReplyAddress;
import dev.agentmesh.gateway.tasks.TaskListener;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntConsumer;

/**
 * One client's realtime conversation, relayed to one upstream session. This class wires the parts and owns the
 * two directions and when the session ends; each part has one job:
 * <ul>
 *   <li>{@link ClientEventPolicy}: every client event is relayed, rewritten or refused;</li>
 *   <li>{@link SessionBudgets}: what the client may spend (events, bytes, tasks, delegations per turn);</li>
 *   <li>{@link ServerToolCalls}: the server tool's calls stay hidden from the client;</li>
 *   <li>{@link DelegatedTasks}: completed {@code ask_agents} calls become Kafka tasks, results become outputs;</li>
 *   <li>{@link ResponseSequencer}: a {@code response.create} goes upstream only when no response is active;</li>
 *   <li>{@link TurnLog}: turns for the audit log and the next task's context;</li>
 *   <li>{@link AgentEvents}: the {@code agent_mesh.*} side channel;</li>
 *   <li>{@link OutboundChannel}s: writes to either peer never block the thread that produced them.</li>
 * </ul>
 * Events arrive on three threads (the client's socket, the upstream socket, the Kafka reader); each part guards
 * its own state.
 */
final class RelaySession {

    private static final Logger log = LoggerFactory.getLogger(RelaySession.class);
    private static final String ALREADY_ACTIVE = "conversation_already_has_active_response";
    static final int CLOSE_POLICY = 1008;
    static final int CLOSE_TOO_BIG = 1009;
    static final int CLOSE_UPSTREAM_GONE = 1011;
    static final int CLOSE_OVERLOADED = 1013;

    /** How the session reaches everything outside itself. */
    interface Environment {
        void publish(AgentTaskRequested task, Runnable onFailure);

        void cancel(AgentTaskCancelled cancelled);

        void record(TurnRecorded turn);

        void register(String taskId, TaskListener listener);

        void unregister(String taskId);

        ScheduledFuture<?> schedule(Runnable action, Duration delay);

        GatewayMetrics metrics();

        /** The user's profile for a task (null: none, or no user); never blocks. */
        java.util.concurrent.CompletableFuture<dev.agentmesh.events.UserContext> profile(String user);

        /** Traces delegated turns (a no-op tracer without tracing). */
        io.micrometer.tracing.Tracer tracer();
    }

    /** Opens upstream sessions: the handler knows sockets, the session knows when it needs a new one. */
    interface UpstreamOpener {
        /** A socket whose server events go to {@code onText} and whose end (reported once or more) to {@code onLost}. */
        Upstream open(java.util.function.Consumer<String> onText, java.util.function.Consumer<String> onLost);
    }

    /** One upstream session: its write channel and how to close its socket. */
    record Upstream(OutboundChannel channel, Runnable close) {
    }

    /**
     * What one session is, apart from its sockets.
     *
     * @param user whose memory the session uses (null: none); its turns are recorded for that user
     * @param restored turns of this conversation from earlier sessions, seeded into the upstream session
     * @param seedTurns, seedChars the budget of turns a new upstream session is seeded with
     */
    record Settings(String conversationId, ReplyAddress replyTo, boolean agentEvents, Duration deadline, Duration grace,
                    int contextTurns, Duration idleTimeout, ClientEventPolicy.Rules rules, String user,
                    java.util.List<dev.agentmesh.events.ContextEntry> restored, int seedTurns, int seedChars,
                    Duration maxAudioLag) {
    }

    /** Upstream sessions renewed after a drop, at most this many per {@link #RENEWAL_WINDOW_SECONDS}. */
    private static final int RENEWALS = 3;
    private static final int RENEWAL_WINDOW_SECONDS = 300;
    /** How long before the provider's session limit the gateway renews the upstream session. */
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);

    private final String conversationId;
    private final Duration idleTimeout;
    private final Environment environment;
    private final SessionConfigurer configurer;
    private final SessionBudgets budgets;
    private final ServerToolCalls serverCalls = new ServerToolCalls();
    private final ClientEventPolicy policy;
    private final TurnLog turns;
    private final DelegatedTasks tasks;
    private final ResponseSequencer sequencer = new ResponseSequencer();
    private final HistorySeed seed;
    private final AgentEvents events;
    private final java.util.List<dev.agentmesh.events.ContextEntry> restored;
    private final dev.agentmesh.gateway.access.TokenBucket renewals =
            new dev.agentmesh.gateway.access.TokenBucket(RENEWALS / (double) RENEWAL_WINDOW_SECONDS, RENEWALS);
    private UpstreamOpener opener;
    private volatile Upstream upstream;
    private volatile int upstreamGeneration;
    /** The last upstream generation that said {@code session.created}: it was up, so a drop may be renewed. */
    private volatile int upGeneration;
    private volatile ScheduledFuture<?> renewal;
    /** Set when a delegation was refused: the next response the gateway asks for may not call tools. */
    private boolean wordsOnlyNext;
    private OutboundChannel toClient;
    private IntConsumer closeClient = code -> { };
    private volatile boolean closed;
    private volatile long lastClientEvent = System.nanoTime();
    private volatile ScheduledFuture<?> idleCheck;
    private long lastThrottleError;
    private long refusedEvents;
    private final long maxAudioLagNanos;
    /** Set while the client has been told its audio is behind; cleared once it has caught up. */
    private final java.util.concurrent.atomic.AtomicBoolean behind = new java.util.concurrent.atomic.AtomicBoolean();

    RelaySession(Settings settings, SessionConfigurer configurer, SessionBudgets budgets, Environment environment) {
        this.conversationId = settings.conversationId();
        this.idleTimeout = settings.idleTimeout();
        this.maxAudioLagNanos = settings.maxAudioLag().toNanos();
        this.environment = environment;
        this.configurer = configurer;
        this.budgets = budgets;
        this.policy = new ClientEventPolicy(settings.rules(), configurer, serverCalls::isServerCallId);
        this.seed = new HistorySeed(settings.seedTurns(), settings.seedChars());
        this.turns = new TurnLog(conversationId, settings.user(), settings.contextTurns(), seed, environment::record);
        turns.restore(settings.restored());
        AgentEvents events = new AgentEvents(settings.agentEvents(), this::toClient);
        this.events = events;
        this.restored = settings.restored();
        this.tasks = new DelegatedTasks(conversationId, settings.user(), settings.replyTo(), settings.deadline(),
                settings.grace(),
                budgets, turns, events, environment, new DelegatedTasks.Calls() {
                    @Override
                    public void answer(String callId, String output, boolean wordsOnly) {
                        answerCall(callId, output, wordsOnly);
                    }

                    @Override
                    public void cancelled(String callId, String output) {
                        if (!closed) {
                            callOutput(callId, output);
                        }
                    }

                    @Override
                    public void tell(String errorEvent) {
                        toClient(errorEvent);
                    }
                });
    }

    /**
     * Wires the two directions and opens the first upstream session. The server's session configuration (and a
     * restored conversation) is the first thing queued upstream, so it precedes anything the client sends.
     */
    void attach(OutboundChannel toClient, IntConsumer closeClient, UpstreamOpener opener) {
        this.toClient = toClient;
        this.closeClient = closeClient;
        this.opener = opener;
        openUpstream();
        events.conversation(conversationId, restored);
        idleCheck = environment.schedule(this::checkIdle, idleTimeout);
        environment.metrics().opened(this);
        log.info("Session opened: conversationId={}", conversationId);
    }

    String conversationId() {
        return conversationId;
    }

    int toClientDepth() {
        return toClient == null ? 0 : toClient.depth();
    }

    int toUpstreamDepth() {
        Upstream current = upstream;
        return current == null ? 0 : current.channel().depth();
    }

    /** A new upstream session: the server's configuration, the client's settings, then the conversation so far. */
    private void openUpstream() {
        int generation;
        synchronized (this) {
            generation = ++upstreamGeneration;
        }
        Upstream next = opener.open(text -> {
            if (generation == upstreamGeneration) {
                fromUpstream(text, generation);
            }
        }, why -> upstreamLost(generation, why));
        next.channel().offer(configurer.initialUpdate());
        for (String item : seed.items()) {
            next.channel().offer(item);
        }
        upstream = next;
    }

    // ---- client to upstream -------------------------------------------------------------------------------

    /** One whole client message, as UTF-8 bytes off the socket (read here, not kept). */
    void fromClient(ByteBuf frame) {
        if (closed) {
            return;
        }
        lastClientEvent = System.nanoTime();
        if (!budgets.admitEvent()) {
            refuseThrottled("rate_limit_exceeded", "Too many events: this session may send a limited number of "
                    + "events per second");
            return;
        }
        if (!budgets.admitBytes(frame.readableBytes())) {
            refuseThrottled("byte_rate_exceeded", "Too many bytes: this session may send a limited number of bytes "
                    + "per second (GATEWAY_INBOUND_BYTES_PER_SECOND)");
            return;
        }
        switch (policy.review(frame)) {
            case ClientEventPolicy.Refuse refused -> {
                environment.metrics().refused(refused.code());
                log.debug("Refused a client event: conversationId={} type={} code={}", conversationId,
                        refused.type(), refused.code());
                toClient(refused.error());
            }
            case ClientEventPolicy.Relay relay -> relay(relay);
        }
    }

    private void relay(ClientEventPolicy.Relay relay) {
        for (String notice : relay.notices()) {
            environment.metrics().refused("tool_choice_not_allowed");
            toClient(notice);
        }
        switch (relay.type()) {
            case "response.create" -> {
                boolean send;
                synchronized (sequencer) {
                    send = sequencer.clientMayCreate(relay.upstream());
                }
                if (send) {
                    toUpstream(relay.upstream());
                }
            }
            case "response.cancel" -> {
                tasks.cancelAll("the user interrupted the response", DelegatedTasks.Tell.MODEL_AND_CLIENT);
                toUpstream(relay.upstream());
            }
            case "conversation.item.create" -> {
                userMessage(relay.event().get("item"));
                toUpstream(relay.upstream());
            }
            default -> toUpstream(relay.upstream());
        }
    }

    private void userMessage(JsonNode item) {
        if (item == null || !"message".equals(RealtimeJson.text(item, "type"))
                || !"user".equals(RealtimeJson.text(item, "role"))) {
            return;
        }
        budgets.userTurn();
        StringBuilder text = new StringBuilder();
        for (JsonNode part : item.path("content")) {
            String value = RealtimeJson.text(part, "text");
            if (value != null) {
                text.append(value);
            }
        }
        turns.user(text.toString());
    }

    /** A binary frame: the realtime protocol is JSON text only. */
    void binaryFromClient() {
        toClient(RealtimeJson.error("invalid_request_error", "unsupported_frame",
                "Binary frames are not supported; send JSON text events (audio goes base64 in "
                        + "input_audio_buffer.append).", null));
    }

    /** Over a rate: the event is refused, and the client hears so at most once a second. */
    private void refuseThrottled(String code, String message) {
        refusedEvents++;
        environment.metrics().refused(code);
        long now = System.nanoTime();
        if (now - lastThrottleError > 1_000_000_000L) {
            lastThrottleError = now;
            log.warn("Client over its rate: conversationId={} code={} refused={}", conversationId, code,
                    refusedEvents);
            toClient(RealtimeJson.error("invalid_request_error", code, message + "; " + refusedEvents
                    + " events were refused so far.", null));
        }
    }

    /** The gateway's buffer budget was spent while the client's message arrived: it is dropped, the session goes on. */
    void refusedForBudget() {
        environment.metrics().refused("buffer_budget_exhausted");
        toClient(RealtimeJson.error("server_error", "buffer_budget_exhausted", "The gateway is holding as much "
                + "client data as it may right now; the message was dropped. Send it again shortly.", null));
    }

    // ---- upstream to client -------------------------------------------------------------------------------

    void fromUpstream(String text, int generation) {
        if (closed) {
            return;
        }
        String type = RealtimeJson.typeOf(text);
        if (type == null) {
            toClient(text);
            return;
        }
        switch (type) {
            case "response.output_audio.delta", "response.output_audio_transcript.delta",
                 "response.output_text.delta", "response.content_part.added", "response.content_part.done",
                 "response.output_audio.done" -> toClient(text);
            case "session.created" -> {
                upGeneration = generation;
                scheduleRenewal(RealtimeJson.parseObject(text));
                // a renewed upstream session is the same session for the client
                if (generation == 1) {
                    toClient(text);
                }
            }
            case "response.created" -> {
                synchronized (sequencer) {
                    sequencer.responseCreated();
                }
                toClient(text);
            }
            case "response.done" -> responseDone(RealtimeJson.parseObject(text));
            case "response.output_item.added" -> outputItem(RealtimeJson.parseObject(text), text, false);
            case "response.output_item.done" -> outputItem(RealtimeJson.parseObject(text), text, true);
            case "response.function_call_arguments.delta", "response.function_call_arguments.done" -> {
                if (!serverCalls.isHidden(RealtimeJson.text(RealtimeJson.parseObject(text), "item_id"))) {
                    toClient(text);
                }
            }
            case "conversation.item.added", "conversation.item.done", "conversation.item.created" -> {
                JsonNode item = RealtimeJson.parseObject(text).path("item");
                if (!HistorySeed.isSeedItem(RealtimeJson.text(item, "id")) && !serverCalls.hides(item)) {
                    toClient(text);
                }
            }
            case "conversation.item.input_audio_transcription.completed" -> {
                turns.user(RealtimeJson.text(RealtimeJson.parseObject(text), "transcript"));
                toClient(text);
            }
            case "response.output_audio_transcript.done" -> {
                turns.assistant(RealtimeJson.text(RealtimeJson.parseObject(text), "transcript"));
                toClient(text);
            }
            case "response.output_text.done" -> {
                turns.assistant(RealtimeJson.text(RealtimeJson.parseObject(text), "text"));
                toClient(text);
            }
            case "input_audio_buffer.committed" -> {
                budgets.userTurn();
                toClient(text);
            }
            case "input_audio_buffer.speech_started" -> {
                tasks.cancelAll("the user started speaking", DelegatedTasks.Tell.MODEL_AND_CLIENT);
                toClient(text);
            }
            case "error" -> upstreamError(RealtimeJson.parseObject(text), text);
            default -> toClient(text);
        }
    }

    private void responseDone(ObjectNode event) {
        serverCalls.strip(event);
        ResponseSequencer.Action next;
        synchronized (sequencer) {
            next = sequencer.responseDone();
        }
        toClient(RealtimeJson.write(event));
        act(next);
    }

    private void outputItem(ObjectNode event, String text, boolean done) {
        JsonNode item = event.path("item");
        if (!ServerToolCalls.isServerCall(item)) {
            toClient(text);
            return;
        }
        serverCalls.seen(item);
        // Calls of cancelled or incomplete responses end here too; only a completed call is run.
        if (done && "completed".equals(RealtimeJson.text(item, "status"))) {
            tasks.start(RealtimeJson.text(item, "call_id"), RealtimeJson.text(item, "arguments"));
        }
    }

    private void upstreamError(ObjectNode event, String text) {
        JsonNode error = event.path("error");
        String eventId = RealtimeJson.text(error, "event_id");
        String code = RealtimeJson.text(error, "code");
        if (eventId != null && eventId.startsWith(RealtimeJson.GATEWAY_EVENT_PREFIX)) {
            if (ALREADY_ACTIVE.equals(code)) {
                synchronized (sequencer) {
                    sequencer.gatewayCreateRefused();
                }
            } else {
                log.warn("Upstream refused an event of the gateway's: conversationId={} code={} message={}",
                        conversationId, code, RealtimeJson.text(error, "message"));
            }
            return;
        }
        ResponseSequencer.Action next = ResponseSequencer.Action.NOTHING;
        if (ALREADY_ACTIVE.equals(code)) {
            synchronized (sequencer) {
                next = sequencer.createRefused();
            }
        }
        toClient(text);
        act(next);
    }

    // ---- the gateway's own events upstream ----------------------------------------------------------------

    /** Sends a function-call output, then asks for a response as soon as none is active. */
    private void answerCall(String callId, String output, boolean wordsOnly) {
        if (closed) {
            return;
        }
        callOutput(callId, output);
        ResponseSequencer.Action next;
        synchronized (sequencer) {
            wordsOnlyNext |= wordsOnly;
            next = sequencer.gatewayWantsResponse();
        }
        act(next);
    }

    private void callOutput(String callId, String output) {
        serverCalls.answering(callId);
        ObjectNode event = RealtimeJson.object();
        event.put("type", "conversation.item.create");
        event.put("event_id", RealtimeJson.gatewayEventId());
        ObjectNode item = event.putObject("item");
        item.put("type", "function_call_output");
        item.put("call_id", callId);
        item.put("output", output);
        toUpstream(RealtimeJson.write(event));
    }

    private void act(ResponseSequencer.Action action) {
        switch (action) {
            case SEND_GATEWAY_CREATE -> {
                String choice;
                synchronized (sequencer) {
                    choice = wordsOnlyNext ? "none" : "auto";
                    wordsOnlyNext = false;
                }
                ObjectNode create = RealtimeJson.object();
                create.put("type", "response.create");
                create.put("event_id", RealtimeJson.gatewayEventId());
                // explicit, so no session-level tool_choice can turn a result into another call
                create.putObject("response").put("tool_choice", choice);
                toUpstream(RealtimeJson.write(create));
            }
            case SEND_CLIENT_CREATE -> {
                String deferred;
                synchronized (sequencer) {
                    deferred = sequencer.takeDeferredClientCreate();
                }
                if (deferred != null) {
                    toUpstream(deferred);
                }
            }
            case NOTHING -> {
            }
        }
    }

    // ---- plumbing and endings -----------------------------------------------------------------------------

    /**
     * Tells the client, once, when what the gateway holds for it waited longer than the bound (the audio falls behind
     * real time: the client's connection, or this gateway, cannot keep up), and counts it; a session that caught up
     * (under half the bound) is told again the next time. The notice goes ahead of the backlog.
     *
     * @return whether the session is behind (told, and not yet caught up)
     */
    boolean checkAudioLag(long now) {
        OutboundChannel channel = toClient;
        if (channel == null || closed) {
            return false;
        }
        long waited = channel.oldestWaitNanos(now);
        if (waited > maxAudioLagNanos && behind.compareAndSet(false, true)) {
            environment.metrics().fallingBehind();
            log.warn("Client audio falling behind: conversationId={} waited={} ms queued={}", conversationId,
                    waited / 1_000_000, channel.depth());
            channel.offerFirst(RealtimeJson.error("server_error", "falling_behind", "The audio of this session is "
                    + waited / 1_000_000 + " ms behind real time: the connection (or this gateway) cannot keep up. "
                    + "The session goes on; expect gaps or delay.", null));
        } else if (waited < maxAudioLagNanos / 2 && behind.get()) {
            behind.set(false);
        }
        return behind.get();
    }

    private void toClient(String text) {
        checkAudioLag(System.nanoTime());
        if (!toClient.offer(text) && toClient.isOpen()) {
            log.warn("Client too slow, closing: conversationId={} queued={}", conversationId, toClient.depth());
            toClient.finish(RealtimeJson.error("server_error", "client_too_slow",
                    "The connection cannot keep up with the realtime stream; the session is closed.", null),
                    true, () -> closeClient.accept(CLOSE_OVERLOADED));
            close("the client could not keep up");
        }
    }

    private void toUpstream(String text) {
        OutboundChannel toUpstream = upstream.channel();
        if (!toUpstream.offer(text) && toUpstream.isOpen() && !closed) {
            log.warn("Client sends faster than upstream accepts, closing: conversationId={}", conversationId);
            toClient.finish(RealtimeJson.error("invalid_request_error", "rate_limit_exceeded",
                    "Too much data queued for the realtime service; the session is closed.", null),
                    true, () -> closeClient.accept(CLOSE_POLICY));
            close("the client sent too much");
        }
    }

    /** A client message went over the size limit: the client hears why, and the session closes (1009). */
    void tooLarge(long limit) {
        end(RealtimeJson.error("invalid_request_error", "message_too_large",
                "A message may be at most " + limit + " bytes; the session is closed.", null), true, CLOSE_TOO_BIG,
                "the client sent a message over the size limit");
    }

    /** The session reached its maximum duration. */
    void expire() {
        end(RealtimeJson.error("invalid_request_error", "session_expired",
                "The session reached its maximum duration; open a new one.", null), false, 1000,
                "the session reached its maximum duration");
    }

    /** Closes the session once its client has sent nothing for the idle timeout. */
    private void checkIdle() {
        if (closed) {
            return;
        }
        long quiet = System.nanoTime() - lastClientEvent;
        if (quiet < idleTimeout.toNanos()) {
            idleCheck = environment.schedule(this::checkIdle, Duration.ofNanos(idleTimeout.toNanos() - quiet));
            return;
        }
        environment.metrics().refused("idle_timeout");
        end(RealtimeJson.error("invalid_request_error", "idle_timeout", "The session sent nothing for "
                + idleTimeout.toSeconds() + " s and is closed; open a new one.", null), false, 1000,
                "the client was idle");
    }

    /** The gateway is shutting down: the client hears that it should reconnect, and may finish what it does. */
    void shuttingDown() {
        if (!closed) {
            toClient(RealtimeJson.error("server_error", "server_shutting_down", "This gateway is shutting down; "
                    + "reconnect, with conversation_id=" + conversationId + " to resume this conversation.", null));
        }
    }

    /** The drain's time is up: the session ends with {@code code} (1012, service restart). */
    void closeForRestart(int code) {
        if (closed) {
            return;
        }
        toClient.finish(null, false, () -> closeClient.accept(code));
        close("the gateway shut down");
    }

    /**
     * An upstream session ended that nobody here closed. The conversation outlives it: a new upstream session is
     * opened and seeded with the conversation so far, the client's socket stays open and it hears a notice;
     * tasks waiting for the old session's calls are cancelled (their calls no longer exist). An upstream session
     * that cannot be opened (it never said {@code session.created}), or drops beyond {@link #RENEWALS} in five
     * minutes, ends the session with an error.
     */
    private void upstreamLost(int generation, String why) {
        synchronized (this) {
            if (closed || generation != upstreamGeneration) {
                return;
            }
        }
        log.warn("Upstream session ended: conversationId={}: {}", conversationId, why);
        environment.metrics().upstreamFailure();
        boolean renew = false;
        if (upGeneration == generation) {
            synchronized (renewals) {
                renew = renewals.tryAcquire();
            }
        }
        if (!renew) {
            end(RealtimeJson.error("server_error", "upstream_closed", "The realtime service ended the session: "
                    + why, null), false, CLOSE_UPSTREAM_GONE, "the realtime service ended the session");
            return;
        }
        renew("the realtime service ended the session: " + why);
    }

    /** Replaces the upstream session with a new one that knows the conversation so far. */
    private void renew(String reason) {
        Upstream old = upstream;
        // the old session's calls do not exist in the new one: the tasks end here, and the client hears so
        int cancelled = tasks.cancelAll("the realtime session was renewed", DelegatedTasks.Tell.CLIENT);
        synchronized (sequencer) {
            sequencer.reset();
            wordsOnlyNext = false;
        }
        openUpstream();
        old.channel().finish(null, true, old.close());
        ObjectNode notice = RealtimeJson.object();
        notice.put("type", "agent_mesh.session.renewed");
        notice.put("event_id", "event_" + java.util.UUID.randomUUID().toString().replace("-", ""));
        notice.put("conversation_id", conversationId);
        notice.put("reason", reason);
        notice.put("restored_turns", seed.size());
        notice.put("cancelled_tasks", cancelled);
        toClient(RealtimeJson.write(notice));
        log.info("Upstream session renewed: conversationId={} restoredTurns={} ({})", conversationId, seed.size(),
                reason);
    }

    /** The provider ends sessions at {@code expires_at}: renew a minute before, when no response is running. */
    private void scheduleRenewal(ObjectNode created) {
        JsonNode expires = created.path("session").path("expires_at");
        if (!expires.isNumber()) {
            return;
        }
        Duration until = Duration.between(java.time.Instant.now(),
                java.time.Instant.ofEpochSecond(expires.asLong())).minus(RENEW_BEFORE_EXPIRY);
        ScheduledFuture<?> previous = renewal;
        if (previous != null) {
            previous.cancel(false);
        }
        renewal = environment.schedule(this::renewBeforeExpiry, until.isNegative() ? Duration.ZERO : until);
    }

    private void renewBeforeExpiry() {
        if (closed) {
            return;
        }
        boolean busy;
        synchronized (sequencer) {
            busy = sequencer.responseActive();
        }
        if (busy) {
            renewal = environment.schedule(this::renewBeforeExpiry, Duration.ofSeconds(2));
            return;
        }
        renew("the realtime session neared its time limit");
    }

    /** Tells the client why, closes its socket with {@code code}, and ends the session. */
    private void end(String error, boolean dropQueued, int code, String reason) {
        if (closed) {
            return;
        }
        toClient.finish(error, dropQueued, () -> closeClient.accept(code));
        close(reason);
    }

    /** Ends the session: waiting tasks are cancelled, the upstream socket is closed. Idempotent. */
    void close(String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        tasks.cancelAll(reason, DelegatedTasks.Tell.NOBODY);
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {idleCheck, renewal}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        Upstream current = upstream;
        if (current != null) {
            current.channel().finish(null, true, current.close());
        }
        environment.metrics().closed(this);
        log.info("Session closed: conversationId={} ({})", conversationId, reason);
    }
}
