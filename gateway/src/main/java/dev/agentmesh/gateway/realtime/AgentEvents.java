package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.TaskPlanned;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The side channel for clients that asked for it ({@code ?agent_events=true}): {@code agent_mesh.task.started},
 * {@code .planned}, {@code .completed} and {@code .cancelled}. Other clients never see these events.
 */
final class AgentEvents {

    private final boolean enabled;
    private final Consumer<String> toClient;

    AgentEvents(boolean enabled, Consumer<String> toClient) {
        this.enabled = enabled;
        this.toClient = toClient;
    }

    /** Which conversation this is, and what was restored of it (the page shows it and keeps the id for a reload). */
    void conversation(String conversationId, java.util.List<dev.agentmesh.events.ContextEntry> restored) {
        if (enabled) {
            ObjectNode event = RealtimeJson.object();
            event.put("type", "agent_mesh.conversation");
            event.put("event_id", "event_" + UUID.randomUUID().toString().replace("-", ""));
            event.put("conversation_id", conversationId);
            ArrayNode turns = event.putArray("restored");
            for (var turn : restored) {
                if ("user".equals(turn.role()) || "assistant".equals(turn.role())) {
                    turns.addObject().put("role", turn.role()).put("text", turn.text());
                }
            }
            send(event);
        }
    }

    void started(String taskId, String callId, String request) {
        if (enabled) {
            ObjectNode event = event("agent_mesh.task.started", taskId);
            event.put("call_id", callId);
            event.put("request", request);
            send(event);
        }
    }

    void planned(TaskPlanned plan) {
        if (enabled) {
            ObjectNode event = event("agent_mesh.task.planned", plan.taskId());
            ArrayNode stages = event.putArray("stages");
            plan.stages().forEach(stage -> stage.forEach(stages.addArray()::add));
            event.put("planner", plan.planner());
            send(event);
        }
    }

    void completed(String taskId, Duration took, AgentTaskCompleted result) {
        if (!enabled) {
            return;
        }
        ObjectNode event = event("agent_mesh.task.completed", taskId);
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
        send(event);
    }

    /** The task ended without a result (deadline, unreachable agents). */
    void failed(String taskId, Duration took, String reason) {
        if (enabled) {
            ObjectNode event = event("agent_mesh.task.completed", taskId);
            event.put("duration_ms", took.toMillis());
            event.put("partial", true);
            event.putArray("outcomes");
            event.put("error", reason);
            send(event);
        }
    }

    void cancelled(String taskId, String reason) {
        if (enabled) {
            ObjectNode event = event("agent_mesh.task.cancelled", taskId);
            event.put("reason", reason);
            send(event);
        }
    }

    private static ObjectNode event(String type, String taskId) {
        ObjectNode event = RealtimeJson.object();
        event.put("type", type);
        event.put("event_id", "event_" + UUID.randomUUID().toString().replace("-", ""));
        event.put("task_id", taskId);
        return event;
    }

    private void send(ObjectNode event) {
        toClient.accept(RealtimeJson.write(event));
    }
}
