package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentReply;
import dev.agentmesh.events.CappedText;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one subtask through the agent within its deadline and replies. A subtask whose deadline has passed, or
 * passes while the agent works, gets no reply: the manager has already given up on it. An answer or reason longer
 * than the cap is cut to it, with a visible marker, before it is sent. Each subtask is a span ({@code handle subtask},
 * a child of the listener's receive span, so of the manager's stage) that is current where the agent works, so
 * its provider calls and the reply are its children. While it runs, its ids and the agent's name are in the MDC
 * ({@link TaskMdc}), on this thread and on the one the agent works on, so every log line about it carries them.
 */
final class SubtaskRunner {

    private static final Logger log = LoggerFactory.getLogger(SubtaskRunner.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Agent agent;
    private final KafkaTemplate<String, Event> template;
    private final AgentMetrics metrics;
    private final ExecutorService workers;
    private final int maxAnswerBytes;
    private final Tracer tracer;

    SubtaskRunner(Agent agent, KafkaTemplate<String, Event> template, AgentMetrics metrics, ExecutorService workers,
                  int maxAnswerBytes, Tracer tracer) {
        this.tracer = tracer;
        this.agent = agent;
        this.template = template;
        this.metrics = metrics;
        this.workers = workers;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    void run(SubtaskRequested subtask) {
        Span span = tracer.nextSpan().name("handle subtask").tag("agent", agent.name());
        if (subtask != null) {
            span.tag("task.id", subtask.taskId()).tag("conversation.id", subtask.conversationId())
                    .tag("stage", subtask.stage());
        }
        try (Tracer.SpanInScope ignored = tracer.withSpan(span.start());
             TaskMdc mdc = subtask == null ? TaskMdc.open(null, null, agent.name())
                     : TaskMdc.open(subtask.taskId(), subtask.conversationId(), agent.name())) {
            handle(subtask, span);
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void handle(SubtaskRequested subtask, Span span) {
        if (subtask == null) {
            throw new InvalidEventException("a tombstone is not a subtask");
        }
        if (!agent.name().equals(subtask.agent())) {
            throw new InvalidEventException("subtask for agent '" + subtask.agent() + "' reached agent '"
                    + agent.name() + "'");
        }
        Instant started = Instant.now();
        Duration remaining = Duration.between(started, subtask.deadline());
        if (remaining.isNegative() || remaining.isZero()) {
            metrics.record(AgentMetrics.Outcome.EXPIRED, Duration.ZERO);
            log.info("Subtask expired before it started: taskId={} conversationId={} late by {} ms",
                    subtask.taskId(), subtask.conversationId(), -remaining.toMillis());
            return;
        }
        Future<String> answer = workers.submit(TaskMdc.carried(tracer.currentTraceContext().wrap(
                () -> agent.handle(AgentRequest.from(subtask)))));
        try {
            CappedText text = capped(subtask, answer.get(remaining.toMillis(), TimeUnit.MILLISECONDS));
            reply(subtask, SubtaskCompleted.of(subtask.taskId(), subtask.conversationId(), agent.name(), text,
                    elapsedSince(started).toMillis()), AgentMetrics.Outcome.ANSWERED, started);
        } catch (TimeoutException e) {
            answer.cancel(true);
            metrics.record(AgentMetrics.Outcome.TIMED_OUT, elapsedSince(started));
            log.warn("Subtask missed its deadline, no reply sent: taskId={} conversationId={} after {} ms",
                    subtask.taskId(), subtask.conversationId(), elapsedSince(started).toMillis());
        } catch (ExecutionException e) {
            String reason = e.getCause() instanceof AgentException failure
                    ? failure.getMessage()
                    : "the " + agent.name() + " agent hit an internal error";
            span.error(e.getCause());
            if (!(e.getCause() instanceof AgentException)) {
                log.error("Agent failed: taskId={} conversationId={}", subtask.taskId(), subtask.conversationId(),
                        e.getCause());
            }
            reply(subtask, SubtaskFailed.of(subtask.taskId(), subtask.conversationId(), agent.name(),
                    capped(subtask, reason).text(), elapsedSince(started).toMillis()), AgentMetrics.Outcome.FAILED,
                    started);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
        }
    }

    private void reply(SubtaskRequested subtask, AgentReply reply, AgentMetrics.Outcome outcome, Instant started) {
        if (Instant.now().isAfter(subtask.deadline())) {
            metrics.record(AgentMetrics.Outcome.TIMED_OUT, elapsedSince(started));
            log.warn("Answer came after the deadline, no reply sent: taskId={} conversationId={}",
                    subtask.taskId(), subtask.conversationId());
            return;
        }
        try {
            // Wait for the broker's ack so the request's offset is never committed before its reply is stored.
            template.send(Topics.AGENT_REPLIES, subtask.taskId(), reply)
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replying", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish the reply for task " + subtask.taskId(), e);
        }
        Duration took = elapsedSince(started);
        metrics.record(outcome, took);
        log.info("Subtask {}: taskId={} conversationId={} stage={} in {} ms", outcome.tag(), subtask.taskId(),
                subtask.conversationId(), subtask.stage(), took.toMillis());
    }

    private CappedText capped(SubtaskRequested subtask, String text) {
        CappedText capped = CappedText.of(text, maxAnswerBytes);
        if (capped.truncated()) {
            log.warn("Answer cut to {} of {} bytes (agent.max-answer-size): taskId={} conversationId={}",
                    maxAnswerBytes, capped.originalBytes(), subtask.taskId(), subtask.conversationId());
        }
        return capped;
    }

    private static Duration elapsedSince(Instant started) {
        return Duration.between(started, Instant.now());
    }
}
