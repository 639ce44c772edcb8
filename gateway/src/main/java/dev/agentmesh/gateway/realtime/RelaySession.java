package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.gateway.tasks.TaskListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/**
 * One client's realtime conversation, relayed to one upstream session. Every client event passes the
 * {@link ClientEventPolicy} (relayed, rewritten or refused) and the session's {@link SessionBudgets}; server
 * events are relayed untouched except the gateway's own business: it turns completed {@code ask_agents} calls
 * into Kafka tasks (hiding those calls from the client, which could not run them), feeds results back as
 * function-call outputs followed by a {@code response.create} when no response is active, and cancels waiting
 * tasks when the user barges in or leaves.
 *
 * <p>Events arrive on three threads (the client's socket, the upstream socket, the Kafka reader); shared state
 * is guarded by {@code lock}, and writes go through two {@link OutboundChannel}s so nobody blocks on a peer.
 */
final class RelaySession implements TaskListener {

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
    }

    private record PendingTask(String taskId, String callId, String request, long startedNanos,
                               ScheduledFuture<?> guard) {
    }

    private final String conversationId;
    private final String instanceId;
    private final boolean agentEvents;
    private final Duration deadline;
    private final Duration grace;
    private final Environment environment;
    private final SessionConfigurer configurer;
    private final ClientEventPolicy policy;
    private final SessionBudgets budgets;
    private final Duration idleTimeout;
    private final ConversationMemory memory;
    private final ResponseSequencer sequencer = new ResponseSequencer();
    private final Object lock = new Object();
    private final Map<String, PendingTask> pending = new LinkedHashMap<>();
    private final Set<String> hiddenItems = new HashSet<>();
    private final Set<String> gatewayCallIds = new HashSet<>();
    private OutboundChannel toClient;
    private OutboundChannel toUpstream;
    private java.util.function.IntConsumer closeClient = code -> { };
    private Runnable closeUpstream = () -> { };
    private volatile boolean closed;
    private volatile long lastClientEvent = System.nanoTime();
    private volatile ScheduledFuture<?> idleCheck;
    /** Set when a delegation was refused: the next response the gateway asks for may not call tools. */
    private boolean wordsOnlyNext;
    private long lastThrottleError;
    private long refusedEvents;

    RelaySession(String conversationId, String instanceId, boolean agentEvents, Duration deadline, Duration grace,
                 int contextTurns, SessionConfigurer configurer, ClientEventPolicy.Rules rules,
                 SessionBudgets budgets, Duration idleTimeout, Environment environment) {
        this.conversationId = conversationId;
        this.instanceId = instanceId;
        this.agentEvents = agentEvents;
        this.deadline = deadline;
        this.grace = grace;
        this.configurer = configurer;
        this.policy = new ClientEventPolicy(rules, configurer, this::isGatewayCall);
        this.budgets = budgets;
        this.idleTimeout = idleTimeout;
        this.environment = environment;
        this.memory = new ConversationMemory(contextTurns);
    }

    /**
     * Wires the two directions. The server's session configuration is the first thing queued upstream, so it
     * precedes anything the client sends.
     */
    void attach(OutboundChannel toClient, java.util.function.IntConsumer closeClient, OutboundChannel toUpstream,
                Runnable closeUpstream) {
        this.toClient = toClient;
        this.closeClient = closeClient;
        this.toUpstream = toUpstream;
        this.closeUpstream = closeUpstream;
        toUpstream.offer(configurer.initialUpdate());
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
        return toUpstream == null ? 0 : toUpstream.depth();
    }

    // ---- client to upstream -------------------------------------------------------------------------------

    void fromClient(String text) {
        if (closed) {
            return;
        }
        lastClientEvent = System.nanoTime();
        if (!budgets.admitEvent()) {
            refuseThrottled("rate_limit_exceeded", "Too many events: this session may send a limited number of "
                    + "events per second");
            return;
        }
        if (!budgets.admitBytes(Utf8.length(text))) {
            refuseThrottled("byte_rate_exceeded", "Too many bytes: this session may send a limited number of bytes "
                    + "per second (GATEWAY_INBOUND_BYTES_PER_SECOND)");
            return;
        }
        switch (policy.review(text)) {
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
                synchronized (lock) {
                    send = sequencer.clientMayCreate(relay.upstream());
                }
                if (send) {
                    toUpstream(relay.upstream());
                }
            }
            case "response.cancel" -> {
                cancelPendingTasks("the user interrupted the response");
                toUpstream(relay.upstream());
            }
            case "conversation.item.create" -> {
                recordUserText(relay.event().get("item"));
                toUpstream(relay.upstream());
            }
            default -> toUpstream(relay.upstream());
        }
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
        log.info("Session idle, closing: conversationId={}", conversationId);
        environment.metrics().refused("idle_timeout");
        toClient.finish(RealtimeJson.error("invalid_request_error", "idle_timeout", "The session sent nothing for "
                + idleTimeout.toSeconds() + " s and is closed; open a new one.", null), false,
                () -> closeClient.accept(1000));
        close("the client was idle");
    }

    /** A client message went over the size limit: the client hears why, and the session closes (1009). */
    void tooLarge(long limit) {
        if (closed) {
            return;
        }
        toClient.finish(RealtimeJson.error("invalid_request_error", "message_too_large",
                "A message may be at most " + limit + " bytes; the session is closed.", null), true,
                () -> closeClient.accept(CLOSE_TOO_BIG));
        close("the client sent a message over the size limit");
    }

    /** The gateway's buffer budget was spent while the client's message arrived: it is dropped, the session goes on. */
    void refusedForBudget() {
        environment.metrics().refused("buffer_budget_exhausted");
        toClient(RealtimeJson.error("server_error", "buffer_budget_exhausted", "The gateway is holding as much "
                + "client data as it may right now; the message was dropped. Send it again shortly.", null));
    }

    /** The session reached its maximum duration. */
    void expire() {
        if (closed) {
            return;
        }
        log.info("Session expired: conversationId={}", conversationId);
        toClient.finish(RealtimeJson.error("invalid_request_error", "session_expired",
                "The session reached its maximum duration; open a new one.", null), false,
                () -> closeClient.accept(1000));
        close("the session reached its maximum duration");
    }

    /** A binary frame: the realtime protocol is JSON text only. */
    void binaryFromClient() {
        toClient(RealtimeJson.error("invalid_request_error", "unsupported_frame",
                "Binary frames are not supported; send JSON text events (audio goes base64 in "
                        + "input_audio_buffer.append).", null));
    }

    private void recordUserText(JsonNode item) {
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
        userTurn(text.toString());
    }

    // ---- upstream to client -------------------------------------------------------------------------------

    void fromUpstream(String text) {
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
            case "response.created" -> {
                synchronized (lock) {
                    sequencer.responseCreated();
                }
                toClient(text);
            }
            case "response.done" -> responseDone(RealtimeJson.parseObject(text));
            case "response.output_item.added" -> outputItemAdded(RealtimeJson.parseObject(text), text);
            case "response.output_item.done" -> outputItemDone(RealtimeJson.parseObject(text), text);
            case "response.function_call_arguments.delta", "response.function_call_arguments.done" -> {
                String itemId = RealtimeJson.text(RealtimeJson.parseObject(text), "item_id");
                if (!isHidden(itemId)) {
                    toClient(text);
                }
            }
            case "conversation.item.added", "conversation.item.done", "conversation.item.created" ->
                    conversationItem(RealtimeJson.parseObject(text), text);
            case "conversation.item.input_audio_transcription.completed" -> {
                userTurn(RealtimeJson.text(RealtimeJson.parseObject(text), "transcript"));
                toClient(text);
            }
            case "response.output_audio_transcript.done" -> {
                assistantTurn(RealtimeJson.text(RealtimeJson.parseObject(text), "transcript"));
                toClient(text);
            }
            case "response.output_text.done" -> {
                assistantTurn(RealtimeJson.text(RealtimeJson.parseObject(text), "text"));
                toClient(text);
            }
            case "input_audio_buffer.committed" -> {
                budgets.userTurn();
                toClient(text);
            }
            case "input_audio_buffer.speech_started" -> {
                cancelPendingTasks("the user started speaking");
                toClient(text);
            }
            case "error" -> upstreamError(RealtimeJson.parseObject(text), text);
            default -> toClient(text);
        }
    }

    private void responseDone(ObjectNode event) {
        JsonNode output = event.path("response").path("output");
        if (output instanceof ArrayNode items) {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (isServerCall(items.get(i)) || isHidden(RealtimeJson.text(items.get(i), "id"))) {
                    items.remove(i);
                }
            }
        }
        ResponseSequencer.Action next;
        synchronized (lock) {
            next = sequencer.responseDone();
        }
        toClient(RealtimeJson.write(event));
        act(next);
    }

    private void outputItemAdded(ObjectNode event, String text) {
        JsonNode item = event.path("item");
        if (isServerCall(item)) {
            hide(RealtimeJson.text(item, "id"));
            serverCall(RealtimeJson.text(item, "call_id"));
            return;
        }
        toClient(text);
    }

    private void outputItemDone(ObjectNode event, String text) {
        JsonNode item = event.path("item");
        if (!isServerCall(item)) {
            toClient(text);
            return;
        }
        hide(RealtimeJson.text(item, "id"));
        serverCall(RealtimeJson.text(item, "call_id"));
        // Calls of cancelled or incomplete responses end here too; only a completed call is run.
        if ("completed".equals(RealtimeJson.text(item, "status"))) {
            startTask(RealtimeJson.text(item, "call_id"), RealtimeJson.text(item, "arguments"));
        }
    }

    private void conversationItem(ObjectNode event, String text) {
        JsonNode item = event.path("item");
        String itemId = RealtimeJson.text(item, "id");
        boolean gatewayOutput = "function_call_output".equals(RealtimeJson.text(item, "type"))
                && isGatewayCall(RealtimeJson.text(item, "call_id"));
        if (isServerCall(item) || gatewayOutput) {
            hide(itemId);
            return;
        }
        if (!isHidden(itemId)) {
            toClient(text);
        }
    }

    private void upstreamError(ObjectNode event, String text) {
        JsonNode error = event.path("error");
        String eventId = RealtimeJson.text(error, "event_id");
        String code = RealtimeJson.text(error, "code");
        if (eventId != null && eventId.startsWith(RealtimeJson.GATEWAY_EVENT_PREFIX)) {
            if (ALREADY_ACTIVE.equals(code)) {
                synchronized (lock) {
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
            synchronized (lock) {
                next = sequencer.createRefused();
            }
        }
        toClient(text);
        act(next);
    }

    private boolean isServerCall(JsonNode item) {
        return item != null && "function_call".equals(RealtimeJson.text(item, "type"))
                && AgentTool.NAME.equals(RealtimeJson.text(item, "name"));
    }

    private void hide(String itemId) {
        if (itemId != null) {
            synchronized (lock) {
                hiddenItems.add(itemId);
            }
        }
    }

    private boolean isHidden(String itemId) {
        synchronized (lock) {
            return itemId != null && hiddenItems.contains(itemId);
        }
    }

    /** A call of the server's tool: only the gateway may answer it. */
    private void serverCall(String callId) {
        if (callId != null) {
            synchronized (lock) {
                gatewayCallIds.add(callId);
            }
        }
    }

    private boolean isGatewayCall(String callId) {
        synchronized (lock) {
            return callId != null && gatewayCallIds.contains(callId);
        }
    }

    // ---- tasks --------------------------------------------------------------------------------------------

    private void startTask(String callId, String arguments) {
        String request;
        try {
            request = AgentTool.requestFrom(arguments);
        } catch (IllegalArgumentException e) {
            log.warn("Invalid ask_agents call: conversationId={} callId={}: {}", conversationId, callId,
                    e.getMessage());
            answerCall(callId, AgentTool.failure("Invalid ask_agents arguments: " + e.getMessage()));
            return;
        }
        int waiting;
        synchronized (lock) {
            waiting = pending.size();
        }
        SessionBudgets.Refusal refusal = budgets.admitTask(waiting);
        if (refusal != null) {
            refuseTask(callId, refusal);
            return;
        }
        String taskId = UUID.randomUUID().toString();
        Instant due = Instant.now().plus(deadline);
        PendingTask task;
        AgentTaskRequested requested;
        synchronized (lock) {
            requested = AgentTaskRequested.of(taskId, conversationId, request, memory.context(), due, instanceId);
            task = new PendingTask(taskId, callId, request, System.nanoTime(),
                    environment.schedule(() -> noResult(taskId, "no result arrived within the deadline"),
                            deadline.plus(grace)));
            pending.put(taskId, task);
        }
        environment.register(taskId, this);
        environment.publish(requested, () -> noResult(taskId, "the agents cannot be reached right now"));
        environment.record(TurnRecorded.of(taskId, conversationId, "tool-call", request));
        log.info("Delegated a turn: taskId={} conversationId={}", taskId, conversationId);
        if (agentEvents) {
            ObjectNode started = agentEvent("agent_mesh.task.started", taskId);
            started.put("call_id", callId);
            started.put("request", request);
            toClient(RealtimeJson.write(started));
        }
    }

    /**
     * A delegation over budget: the call is answered with why, the model's next response may not call tools (so
     * the refusal cannot loop), and the client hears the code.
     */
    private void refuseTask(String callId, SessionBudgets.Refusal refusal) {
        log.warn("Refused a delegation: conversationId={} callId={} code={}", conversationId, callId, refusal.code());
        environment.metrics().refused(refusal.code());
        toClient(RealtimeJson.error("invalid_request_error", refusal.code(), refusal.message(), null));
        synchronized (lock) {
            wordsOnlyNext = true;
        }
        answerCall(callId, AgentTool.failure("Not delegated: " + refusal.message()));
    }

    @Override
    public void planned(TaskPlanned plan) {
        if (!agentEvents || closed) {
            return;
        }
        ObjectNode event = agentEvent("agent_mesh.task.planned", plan.taskId());
        ArrayNode stages = event.putArray("stages");
        plan.stages().forEach(stage -> stage.forEach(stages.addArray()::add));
        event.put("planner", plan.planner());
        toClient(RealtimeJson.write(event));
    }

    @Override
    public void completed(AgentTaskCompleted result) {
        PendingTask task = take(result.taskId());
        if (task == null) {
            log.info("Dropped a late result: taskId={} conversationId={}", result.taskId(), conversationId);
            return;
        }
        String output = AgentTool.output(result);
        Duration took = Duration.ofNanos(System.nanoTime() - task.startedNanos());
        // the client hears about the outcome before the model can start answering from it
        if (agentEvents) {
            toClient(RealtimeJson.write(completedEvent(task.taskId(), took, result)));
        }
        answerCall(task.callId(), output);
        synchronized (lock) {
            memory.agentResult(summary(result));
        }
        environment.metrics().turn(took, result.partial() ? "partial" : "complete");
        environment.record(TurnRecorded.of(task.taskId(), conversationId, "tool-result", output));
        log.info("Result fed back: taskId={} conversationId={} partial={} took={}ms", task.taskId(), conversationId,
                result.partial(), took.toMillis());
    }

    private ObjectNode completedEvent(String taskId, Duration took, AgentTaskCompleted result) {
        ObjectNode event = agentEvent("agent_mesh.task.completed", taskId);
        event.put("duration_ms", took.toMillis());
        event.put("partial", result.partial());
        ArrayNode outcomes = event.putArray("outcomes");
        for (AgentOutcome outcome : result.outcomes()) {
            ObjectNode entry = outcomes.addObject();
            entry.put("agent", outcome.agent());
            entry.put("status", AgentTool.status(outcome.status()));
            entry.put("answer", outcome.answer());
            entry.put("reason", outcome.reason());
            if (outcome.durationMs() != null) {
                entry.put("duration_ms", outcome.durationMs());
            }
            entry.put("stage", outcome.stage());
        }
        return event;
    }

    /** The task will not get a result: the model still gets an answer, so the user hears what happened. */
    private void noResult(String taskId, String reason) {
        PendingTask task = take(taskId);
        if (task == null || closed) {
            return;
        }
        environment.cancel(AgentTaskCancelled.of(taskId, conversationId, reason));
        answerCall(task.callId(), AgentTool.failure("The agents could not answer: " + reason + "."));
        environment.metrics().turn(Duration.ofNanos(System.nanoTime() - task.startedNanos()), "failed");
        log.warn("No result: taskId={} conversationId={}: {}", taskId, conversationId, reason);
        if (agentEvents) {
            ObjectNode event = agentEvent("agent_mesh.task.completed", taskId);
            event.put("duration_ms", Duration.ofNanos(System.nanoTime() - task.startedNanos()).toMillis());
            event.put("partial", true);
            event.putArray("outcomes");
            event.put("error", reason);
            toClient(RealtimeJson.write(event));
        }
    }

    private void cancelPendingTasks(String reason) {
        List<PendingTask> cancelled;
        synchronized (lock) {
            if (pending.isEmpty()) {
                return;
            }
            cancelled = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (PendingTask task : cancelled) {
            task.guard().cancel(false);
            environment.unregister(task.taskId());
            environment.cancel(AgentTaskCancelled.of(task.taskId(), conversationId, reason));
            environment.metrics().turn(Duration.ofNanos(System.nanoTime() - task.startedNanos()), "cancelled");
            log.info("Cancelled a task: taskId={} conversationId={}: {}", task.taskId(), conversationId, reason);
            if (!closed) {
                // The call gets an output so the conversation stays well formed; no response.create follows.
                gatewayItem(task.callId(), AgentTool.cancelled(reason));
                if (agentEvents) {
                    ObjectNode event = agentEvent("agent_mesh.task.cancelled", task.taskId());
                    event.put("reason", reason);
                    toClient(RealtimeJson.write(event));
                }
            }
        }
    }

    private PendingTask take(String taskId) {
        PendingTask task;
        synchronized (lock) {
            task = pending.remove(taskId);
        }
        if (task != null) {
            task.guard().cancel(false);
            environment.unregister(taskId);
        }
        return task;
    }

    /** Sends a function-call output, then asks for a response as soon as none is active. */
    private void answerCall(String callId, String output) {
        if (closed) {
            return;
        }
        gatewayItem(callId, output);
        ResponseSequencer.Action next;
        synchronized (lock) {
            next = sequencer.gatewayWantsResponse();
        }
        act(next);
    }

    private void gatewayItem(String callId, String output) {
        synchronized (lock) {
            gatewayCallIds.add(callId);
        }
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
                synchronized (lock) {
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
                synchronized (lock) {
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

    private ObjectNode agentEvent(String type, String taskId) {
        ObjectNode event = RealtimeJson.object();
        event.put("type", type);
        event.put("event_id", "event_" + UUID.randomUUID().toString().replace("-", ""));
        event.put("task_id", taskId);
        return event;
    }

    private static String summary(AgentTaskCompleted result) {
        StringBuilder summary = new StringBuilder();
        for (AgentOutcome outcome : result.outcomes()) {
            if (outcome.answer() != null) {
                summary.append(outcome.agent()).append(": ").append(outcome.answer()).append('\n');
            }
        }
        return summary.toString().strip();
    }

    private void userTurn(String text) {
        turn("user", text);
    }

    private void assistantTurn(String text) {
        turn("assistant", text);
    }

    private void turn(String role, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        synchronized (lock) {
            memory.turn(role, text);
        }
        environment.record(TurnRecorded.of(UUID.randomUUID().toString(), conversationId, role, text));
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private void toClient(String text) {
        if (!toClient.offer(text) && toClient.isOpen()) {
            log.warn("Client too slow, closing: conversationId={} queued={}", conversationId, toClient.depth());
            toClient.finish(RealtimeJson.error("server_error", "client_too_slow",
                    "The connection cannot keep up with the realtime stream; the session is closed.", null),
                    true, () -> closeClient.accept(CLOSE_OVERLOADED));
            close("the client could not keep up");
        }
    }

    private void toUpstream(String text) {
        if (!toUpstream.offer(text) && toUpstream.isOpen() && !closed) {
            log.warn("Client sends faster than upstream accepts, closing: conversationId={}", conversationId);
            toClient.finish(RealtimeJson.error("invalid_request_error", "rate_limit_exceeded",
                    "Too much data queued for the realtime service; the session is closed.", null),
                    true, () -> closeClient.accept(CLOSE_POLICY));
            close("the client sent too much");
        }
    }

    /** The upstream socket closed or failed: the client hears why, then its socket closes. */
    void upstreamClosed(String why) {
        if (closed) {
            return;
        }
        log.warn("Upstream session ended: conversationId={}: {}", conversationId, why);
        toClient.finish(RealtimeJson.error("server_error", "upstream_closed",
                "The realtime service ended the session: " + why, null), false,
                () -> closeClient.accept(CLOSE_UPSTREAM_GONE));
        close("the realtime service ended the session");
    }

    /** Ends the session: waiting tasks are cancelled, the upstream socket is closed. Idempotent. */
    void close(String reason) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cancelPendingTasks(reason);
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (toUpstream != null) {
            toUpstream.finish(null, true, closeUpstream);
        }
        environment.metrics().closed(this);
        log.info("Session closed: conversationId={} ({})", conversationId, reason);
    }
}
