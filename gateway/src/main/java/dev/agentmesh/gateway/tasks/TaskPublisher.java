package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.TurnRecorded;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.concurrent.CompletableFuture;

/**
 * Puts the gateway's events on Kafka: tasks and cancellations on agent-tasks (keyed by task id, so a task and
 * its cancellation land on the same partition), turns on conversation-events (keyed by conversation id).
 * Sends never block the caller: they run on a virtual thread, so an unreachable broker cannot stall a session.
 * That thread goes on in the caller's trace, so a task's record is sent in its delegated turn's span.
 */
@Component
public class TaskPublisher {

    private static final Logger log = LoggerFactory.getLogger(TaskPublisher.class);

    private final KafkaTemplate<String, Event> template;
    private final Tracer tracer;

    public TaskPublisher(KafkaTemplate<String, Event> template, ObjectProvider<Tracer> tracer) {
        this.template = template;
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
    }

    /** Completes when the broker has the task, exceptionally when it cannot be published. */
    public CompletableFuture<Void> requested(AgentTaskRequested task) {
        return send(Topics.AGENT_TASKS, task.taskId(), task);
    }

    public void cancelled(AgentTaskCancelled cancelled) {
        send(Topics.AGENT_TASKS, cancelled.taskId(), cancelled).exceptionally(e -> {
            log.warn("Could not publish the cancellation: taskId={} conversationId={}: {}", cancelled.taskId(),
                    cancelled.conversationId(), rootMessage(e));
            return null;
        });
    }

    public void turn(TurnRecorded turn) {
        send(Topics.CONVERSATION_EVENTS, turn.conversationId(), turn).exceptionally(e -> {
            log.warn("Could not record a turn: taskId={} conversationId={}: {}", turn.taskId(),
                    turn.conversationId(), rootMessage(e));
            return null;
        });
    }

    private CompletableFuture<Void> send(String topic, String key, Event event) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("publish-" + topic).start(tracer.currentTraceContext().wrap(() -> {
            try {
                template.send(topic, key, event).whenComplete((result, error) -> {
                    if (error == null) {
                        sent.complete(null);
                    } else {
                        sent.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                // a producer that cannot even be created must fail the turn fast, like an unreachable broker
                sent.completeExceptionally(e);
            }
        }));
        return sent;
    }

    static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
