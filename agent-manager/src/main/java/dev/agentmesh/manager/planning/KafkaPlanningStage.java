package dev.agentmesh.manager.planning;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.registry.AgentDirectory;
import dev.agentmesh.manager.registry.LiveAgent;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each task's planning on its own virtual thread and publishes the plan on {@code agent-plans}. The preferred
 * planner (the LLM one when configured) gets at most {@code share}% of the task's remaining time, and at most the
 * model's timeout; when it takes longer or fails, the local planner decides, and the plan says so. Planning time
 * is a timer ({@code manager.planning.duration}, by planner and outcome) and an observation
 * ({@code manager.planning}), which becomes a span ({@code plan task}, tagged with the planner that made the plan) in
 * the task's trace; the plan's record is in that trace too. Right after the plan it sends the first stage's
 * subtasks ({@link PlanningStage.FirstStage}), in the first stage's span.
 */
final class KafkaPlanningStage implements PlanningStage {

    private static final Logger log = LoggerFactory.getLogger(KafkaPlanningStage.class);

    /** Below this budget the preferred planner is not even asked. */
    private static final Duration TOO_LITTLE = Duration.ofMillis(100);

    private final Planner preferred;
    private final Planner local;
    private final AgentDirectory directory;
    private final KafkaTemplate<String, Event> template;
    private final ExecutorService workers;
    private final ExecutorService localWorkers;
    private final Budget budget;
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final Tracer tracer;
    private final TraceHeaders tracing;
    private final Clock clock;
    private final Timer localDuration;

    /**
     * @param share the percentage of a task's remaining time the preferred planner may use
     * @param timeout the most the preferred planner may use, whatever the deadline
     */
    record Budget(int share, Duration timeout) {

        Duration of(Duration remaining) {
            Duration shareOfIt = remaining.multipliedBy(share).dividedBy(100);
            return shareOfIt.compareTo(timeout) < 0 ? shareOfIt : timeout;
        }
    }

    KafkaPlanningStage(Planner preferred, Planner local, AgentDirectory directory, KafkaTemplate<String, Event> template,
                       ExecutorService workers, ExecutorService localWorkers, Budget budget, MeterRegistry meters,
                       ObservationRegistry observations, TraceHeaders tracing, Clock clock) {
        this.preferred = preferred;
        this.local = local;
        this.directory = directory;
        this.template = template;
        this.workers = workers;
        this.localWorkers = localWorkers;
        this.budget = budget;
        this.meters = meters;
        this.observations = observations;
        this.tracer = tracing.tracer();
        this.tracing = tracing;
        this.clock = clock;
        this.localDuration = Timer.builder("manager.planning.local.duration")
                .description("Time the local planner took on its own thread, without the wait for it")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void submit(Request request) {
        workers.execute(() -> {
            try (CurrentTraceContext.Scope ignored = tracer.currentTraceContext().maybeScope(request.trace());
                 TaskMdc mdc = TaskMdc.open(request.taskId(), request.conversationId())) {
                publish(request, plan(request));
            } catch (RuntimeException e) {
                log.error("Planning failed: taskId={} conversationId={}", request.taskId(), request.conversationId(),
                        e);
            }
        });
    }

    Plan plan(Request request) {
        Instant started = clock.instant();
        List<LiveAgent> agents = directory.live();
        Observation observation = Observation.createNotStarted("manager.planning", observations)
                .contextualName("plan task")
                .highCardinalityKeyValue("task.id", request.taskId())
                .start();
        String outcome = "planned";
        Plan plan;
        try (Observation.Scope ignored = observation.openScope()) {
            Duration allowed = budget.of(Duration.between(started, request.deadline()));
            if (preferred == local || allowed.compareTo(TOO_LITTLE) < 0) {
                plan = planLocally(request, agents);
            } else {
                Future<Plan> asked = workers.submit(TaskMdc.carried(tracer.currentTraceContext().wrap(
                        () -> preferred.plan(request.request(), request.context(), agents))));
                try {
                    plan = asked.get(allowed.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    asked.cancel(true);
                    outcome = "fallback";
                    plan = fallback(request, agents, "the preferred planner took longer than " + allowed.toMillis()
                            + " ms");
                } catch (ExecutionException e) {
                    outcome = "fallback";
                    plan = fallback(request, agents, "the preferred planner failed: " + e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while planning", e);
                }
            }
            observation.lowCardinalityKeyValue("planner", plan.planner())
                    .lowCardinalityKeyValue("outcome", outcome);
        } catch (RuntimeException e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
        Duration took = Duration.between(started, clock.instant());
        Timer.builder("manager.planning.duration").description("Time to plan a task, off the stream thread")
                .tag("planner", plan.planner()).tag("outcome", outcome).publishPercentileHistogram()
                .register(meters).record(took);
        log.info("Planned taskId={} conversationId={} stages={} by {} planner in {} ms: {}", request.taskId(),
                request.conversationId(), plan.stages(), plan.planner(), took.toMillis(), plan.rationale());
        return plan;
    }

    private Plan fallback(Request request, List<LiveAgent> agents, String why) {
        log.warn("Planning locally instead: taskId={} conversationId={}: {}", request.taskId(),
                request.conversationId(), why);
        Plan plan = planLocally(request, agents);
        return new Plan(plan.stages(), plan.planner(), plan.rationale() + " (" + why + ")");
    }

    /**
     * On one of the local planner's threads. Its own time is the timer {@code manager.planning.local.duration}:
     * {@code manager.planning.duration} less it is the wait for a planner thread and the hand-offs to it and back.
     */
    private Plan planLocally(Request request, List<LiveAgent> agents) {
        try {
            return localWorkers.submit(TaskMdc.carried(() -> {
                long started = System.nanoTime();
                Plan plan = local.plan(request.request(), request.context(), agents);
                localDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return plan;
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while planning", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the local planner failed", e.getCause());
        }
    }

    /**
     * The plan, then at once its first stage's subtasks, from the same producer: no round trip through agent-plans
     * and the stream thread before the agents start. The plan's timestamp is the instant the subtasks' deadline was
     * computed from. A subtask that cannot be sent is logged; the aggregation times its agent out at the stage's
     * deadline, as for an agent that does not answer.
     */
    private void publish(Request request, Plan plan) {
        Instant plannedAt = Instant.ofEpochMilli(clock.millis());
        TaskPlanned planned = TaskPlanned.of(request.taskId(), request.conversationId(), request.request(),
                plan.stages(), plan.planner(), plan.rationale());
        // sent in the task's trace (the scope submit opened): the template's observation writes its headers
        ProducerRecord<String, Event> record = new ProducerRecord<>(Topics.AGENT_PLANS, null,
                plannedAt.toEpochMilli(), request.taskId(), planned);
        template.send(record).whenComplete((result, error) -> {
            if (error != null) {
                // The task stays in PLANNING: the deadline check publishes its (empty) result.
                log.error("Could not publish the plan: taskId={} conversationId={}: {}", request.taskId(),
                        request.conversationId(), error.getMessage());
            }
        });
        for (SubtaskRequested subtask : request.firstStage().subtasks(plan, plannedAt)) {
            send(request, subtask);
        }
    }

    /**
     * Straight to the template's producer, with the first stage's span in the headers: the template's own
     * observation would make the agents' spans children of a send span instead of the stage's.
     */
    private void send(Request request, SubtaskRequested subtask) {
        RecordHeaders headers = new RecordHeaders();
        if (request.firstStage().trace() != null) {
            tracing.write(request.firstStage().trace(), headers);
        }
        // stamped by the producer when sent, as every other record: only the plan carries the planning instant
        ProducerRecord<String, Event> record = new ProducerRecord<>(Topics.requestsFor(subtask.agent()), null,
                null, request.taskId(), subtask, headers);
        template.execute(producer -> producer.send(record, (metadata, error) -> {
            if (error != null) {
                log.error("Could not send the subtask for {}: taskId={} conversationId={}: {}", subtask.agent(),
                        request.taskId(), request.conversationId(), error.getMessage());
            }
        }));
    }
}
