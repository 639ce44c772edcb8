package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCancelled;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskFailed;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.kafka.EventSerde;
import dev.agentmesh.kafka.TraceHeaders;
import dev.agentmesh.manager.planning.PlanningStage;
import dev.agentmesh.testing.RecordedSpans;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The aggregation logic on Kafka Streams' test driver, with a clock the test moves. */
class TaskAggregatorTests {

    private static final Instant START = Instant.parse("2026-11-24T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final AtomicReference<List<List<String>>> nextPlan = new AtomicReference<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordedSpans recorded = new RecordedSpans();
    private final TraceHeaders tracing = new TraceHeaders(recorded.tracer(), recorded.propagator());
    private TopologyTestDriver driver;
    private TestInputTopic<String, Event> tasks;
    private TestInputTopic<String, Event> replies;
    private TestInputTopic<String, Event> plans;
    /** What the aggregator handed to the planning stage; the test answers with {@link #nextPlan} on agent-plans. */
    private final List<PlanningStage.Request> planningRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Stage 1's subtasks, which the planning stage sends itself, right after the plan. */
    private final List<TestRecord<String, Event>> sentWithPlans = new java.util.ArrayList<>();

    @BeforeEach
    void startTopology() {
        AggregationSettings settings = new AggregationSettings(Duration.ofSeconds(30), 60, Duration.ofMillis(50),
                Duration.ofMinutes(10));
        StreamsBuilder builder = new StreamsBuilder();
        AggregationConfiguration.define(builder, () -> new TaskAggregator(planningRequests::add, settings,
                new ManagerMetrics(meters), clock, tracing));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "aggregator-tests");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), config, START);
        EventSerde serde = new EventSerde();
        tasks = driver.createInputTopic(Topics.AGENT_TASKS, Serdes.String().serializer(), serde.serializer());
        replies = driver.createInputTopic(Topics.AGENT_REPLIES, Serdes.String().serializer(), serde.serializer());
        plans = driver.createInputTopic(Topics.AGENT_PLANS, Serdes.String().serializer(), serde.serializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void publishesACompleteResultAsSoonAsEveryAgentHasAnswered() {
        plan(List.of(List.of("weather", "news")));

        request("t1", Duration.ofSeconds(8));
        assertThat(subtasks("weather")).singleElement().satisfies(s -> assertThat(s.stage()).isEqualTo(1));
        assertThat(subtasks("news")).hasSize(1);
        replies.pipeInput("t1", SubtaskCompleted.of("t1", "c1", "weather", "Paris: 12 °C", 40));
        assertThat(results()).isEmpty();
        replies.pipeInput("t1", SubtaskCompleted.of("t1", "c1", "news", "Headline", 60));

        AgentTaskCompleted result = single(results());
        assertThat(result.partial()).isFalse();
        assertThat(result.replyTo()).isEqualTo("gateway-1");
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::answer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weather", "Paris: 12 °C"),
                        org.assertj.core.groups.Tuple.tuple("news", "Headline"));
    }

    @Test
    void tracesTheTaskAndEachStageInTheRequestsTraceAndPassesTheirContextOn() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String gatewaySpan = "b7ad6b7169203331";

        tasks.pipeInput(new TestRecord<>("t9", AgentTaskRequested.of("t9", "c1", "question", List.of(),
                clock.instant().plusSeconds(8), "gateway-1"), traced("00-" + traceId + "-" + gatewaySpan + "-01")));
        // planning runs in the task's trace (KafkaPlanningStage opens the context it is given)
        TraceContext planningParent = planningRequests.getLast().trace();
        planned(TaskPlanned.of("t9", "c1", "question", List.of(List.of("weather", "news"),
                List.of("chat")), "test", "fixed"));
        var weather = sentWithPlan("weather");
        var news = sentWithPlan("news");
        replies.pipeInput(new TestRecord<>("t9", SubtaskCompleted.of("t9", "c1", "weather", "Sunny", 40),
                traced("00-" + traceId + "-00f067aa0ba902b7-01")));
        replies.pipeInput("t9", SubtaskFailed.of("t9", "c1", "news", "feeds down", 30));
        var chat = readRecord(Topics.requestsFor("chat"));
        replies.pipeInput("t9", SubtaskCompleted.of("t9", "c1", "chat", "Related", 20));
        var result = readRecord(Topics.AGENT_RESULTS);

        SpanData task = recorded.find(RecordedSpans.named("aggregate task")).orElseThrow();
        SpanData stageOne = recorded.find(RecordedSpans.named("stage 1")).orElseThrow();
        SpanData stageTwo = recorded.find(RecordedSpans.named("stage 2")).orElseThrow();
        assertThat(recorded.all()).allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(traceId));
        assertThat(task.getParentSpanId()).as("the task continues the gateway's span").isEqualTo(gatewaySpan);
        assertThat(task.getAttributes().get(AttributeKey.stringKey("task.id"))).isEqualTo("t9");
        assertThat(task.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("partial");
        assertThat(List.of(stageOne.getParentSpanId(), stageTwo.getParentSpanId())).containsOnly(task.getSpanId());
        assertThat(stageOne.getAttributes().get(AttributeKey.stringArrayKey("agents"))).containsExactly("weather",
                "news");
        assertThat(stageOne.getEvents()).extracting(EventData::getName).containsExactly("weather answered",
                "news failed");
        assertThat(stageTwo.getStartEpochNanos()).isGreaterThanOrEqualTo(stageOne.getEndEpochNanos());
        assertThat(planningParent.spanId()).isEqualTo(task.getSpanId());
        assertThat(List.of(spanIdOf(weather), spanIdOf(news))).containsOnly(stageOne.getSpanId());
        assertThat(spanIdOf(chat)).isEqualTo(stageTwo.getSpanId());
        assertThat(spanIdOf(result)).as("the result carries the task's context, not the last reply's")
                .isEqualTo(task.getSpanId());
    }

    @Test
    void anInstanceThatLetsATaskGoEndsItsSpanAndTheOneThatTakesItOverGoesOnInTheSameTrace() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String gatewaySpan = "00f067aa0ba902b7";
        Headers request = traced("00-" + traceId + "-" + gatewaySpan + "-01");
        tasks.pipeInput(new TestRecord<>("t10", AgentTaskRequested.of("t10", "c1", "question", List.of(),
                clock.instant().plusSeconds(8), "gateway-1"), request));

        driver.close(); // the partition is taken away: its processor closes
        startTopology();

        SpanData handedOver = recorded.find(RecordedSpans.named("aggregate task", "handed.over", "true"))
                .orElseThrow();
        assertThat(handedOver.getTraceId()).isEqualTo(traceId);
        // the next owner restores the task, with the trace its request carried, from the changelog
        TaskSpans next = new TaskSpans(new TraceHeaders(recorded.tracer(), recorded.propagator()));
        TaskState restored = TaskState.planning(AgentTaskRequested.of("t10", "c1", "question", List.of(),
                START.plusSeconds(8), "gateway-1"), START, START.plusSeconds(8), next.traceOf(request));
        next.task(restored);
        next.closed(restored, "complete");
        SpanData resumed = recorded.find(RecordedSpans.named("aggregate task", "resumed", "true")).orElseThrow();
        assertThat(resumed.getTraceId()).isEqualTo(traceId);
        assertThat(resumed.getParentSpanId()).isEqualTo(gatewaySpan);
    }

    private static Headers traced(String traceparent) {
        return new RecordHeaders().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
    }

    private TestRecord<String, Event> readRecord(String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), new EventSerde().deserializer())
                .readRecord();
    }

    /** The parent span id a record's traceparent names. */
    private static String spanIdOf(TestRecord<String, Event> record) {
        return new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8).split("-")[2];
    }

    @Test
    void givesStageTwoTheAnswersOfStageOne() {
        plan(List.of(List.of("weather", "news"), List.of("chat")));

        request("t2", Duration.ofSeconds(8));
        replies.pipeInput("t2", SubtaskCompleted.of("t2", "c1", "weather", "Rome: storm", 40));
        assertThat(subtasks("chat")).isEmpty();
        replies.pipeInput("t2", SubtaskCompleted.of("t2", "c1", "news", "Storm hits Rome", 60));

        SubtaskRequested chat = single(subtasks("chat"));
        assertThat(chat.stage()).isEqualTo(2);
        assertThat(chat.priorAnswers()).containsExactly(new PriorAnswer("weather", "Rome: storm"),
                new PriorAnswer("news", "Storm hits Rome"));
        replies.pipeInput("t2", SubtaskCompleted.of("t2", "c1", "chat", "Yes, related", 30));

        assertThat(single(results()).outcomes()).extracting(AgentOutcome::stage).containsExactly(1, 1, 2);
    }

    @Test
    void theUsersProfileTravelsFromTheTaskIntoEverySubtaskAndSurvivesTheStore() {
        plan(List.of(List.of("weather"), List.of("chat")));
        dev.agentmesh.events.UserContext ana = new dev.agentmesh.events.UserContext("Ana", "Lyon", "metric",
                List.of("Formula 1"), "fr");

        tasks.pipeInput("u1", AgentTaskRequested.of("u1", "c1", "Do I need an umbrella?", List.of(),
                clock.instant().plusSeconds(8), "gateway-a", ana));
        planned(TaskPlanned.of("u1", "c1", "Do I need an umbrella?", nextPlan.get(), "test",
                "fixed by the test"));
        assertThat(single(subtasks("weather")).user()).isEqualTo(ana);
        // stage two starts from the state read back from the store
        replies.pipeInput("u1", SubtaskCompleted.of("u1", "c1", "weather", "Lyon: cloudy", 40));

        assertThat(single(subtasks("chat")).user()).isEqualTo(ana);
    }

    @Test
    void publishesAPartialResultAtTheDeadlineNamingTheSilentAgent() {
        plan(List.of(List.of("weather", "news")));
        request("t3", Duration.ofSeconds(8));
        replies.pipeInput("t3", SubtaskCompleted.of("t3", "c1", "weather", "Sunny", 40));

        advance(Duration.ofMillis(7_900));
        assertThat(results()).isEmpty();
        advance(Duration.ofMillis(200));

        AgentTaskCompleted result = single(results());
        assertThat(result.partial()).isTrue();
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weather", AgentOutcome.Status.ANSWERED),
                        org.assertj.core.groups.Tuple.tuple("news", AgentOutcome.Status.TIMED_OUT));
        assertThat(result.outcomes().get(1).reason()).startsWith("no reply within");
        assertThat(meters.get("manager.tasks").tag("result", "partial").counter().count()).isEqualTo(1);
    }

    @Test
    void startsStageTwoWhenStageOneUsesUpItsShareOfTheTime() {
        plan(List.of(List.of("weather", "news"), List.of("chat")));
        request("t4", Duration.ofSeconds(10));
        replies.pipeInput("t4", SubtaskCompleted.of("t4", "c1", "weather", "Sunny", 40));

        advance(Duration.ofMillis(6_100));

        SubtaskRequested chat = single(subtasks("chat"));
        assertThat(chat.priorAnswers()).containsExactly(new PriorAnswer("weather", "Sunny"));
        assertThat(chat.deadline()).isEqualTo(START.plusSeconds(10));
    }

    @Test
    void recordsAFailedAgentWithItsReason() {
        plan(List.of(List.of("weather")));
        request("t5", Duration.ofSeconds(8));

        replies.pipeInput("t5", SubtaskFailed.of("t5", "c1", "weather", "the weather service is unreachable", 12));

        AgentOutcome outcome = single(results()).outcomes().getFirst();
        assertThat(outcome.status()).isEqualTo(AgentOutcome.Status.FAILED);
        assertThat(outcome.reason()).isEqualTo("the weather service is unreachable");
    }

    @Test
    void ignoresDuplicateRepliesAndRepeatedRequests() {
        plan(List.of(List.of("weather", "news")));
        request("t6", Duration.ofSeconds(8));
        request("t6", Duration.ofSeconds(8));

        replies.pipeInput("t6", SubtaskCompleted.of("t6", "c1", "weather", "first", 40));
        replies.pipeInput("t6", SubtaskCompleted.of("t6", "c1", "weather", "second", 41));
        replies.pipeInput("t6", SubtaskCompleted.of("t6", "c1", "news", "news", 50));
        replies.pipeInput("t6", SubtaskCompleted.of("t6", "c1", "news", "news again", 50));
        advance(Duration.ofSeconds(10));

        assertThat(subtasks("weather")).hasSize(1);
        assertThat(single(results()).outcomes().getFirst().answer()).isEqualTo("first");
    }

    @Test
    void publishesNothingForACancelledTask() {
        plan(List.of(List.of("weather")));
        request("t7", Duration.ofSeconds(8));

        tasks.pipeInput("t7", AgentTaskCancelled.of("t7", "c1", "barge-in"));
        replies.pipeInput("t7", SubtaskCompleted.of("t7", "c1", "weather", "late", 40));
        advance(Duration.ofSeconds(10));

        assertThat(results()).isEmpty();
        assertThat(meters.get("manager.tasks").tag("result", "cancelled").counter().count()).isEqualTo(1);
    }

    @Test
    void keepsAClosedTaskForItsRetentionAndThenForgetsIt() {
        plan(List.of(List.of("weather")));
        request("t20", Duration.ofSeconds(8));
        replies.pipeInput("t20", SubtaskCompleted.of("t20", "c1", "weather", "Sunny", 40));
        single(results());
        advance(Duration.ofMinutes(5));
        request("t21", Duration.ofSeconds(8));
        replies.pipeInput("t21", SubtaskCompleted.of("t21", "c1", "weather", "Rain", 40));
        single(results());

        advance(Duration.ofMinutes(4).plusSeconds(50)); // t20 closed 9 min 50 s ago
        int planned = planningRequests.size();
        request("t20", Duration.ofSeconds(8));
        assertThat(planningRequests).as("a repeated request of a task still kept").hasSize(planned);
        assertThat(stored("t20")).isNotNull();

        advance(Duration.ofSeconds(20)); // t20 closed 10 min 10 s ago, t21 5 min 10 s ago
        assertThat(stored("t20")).isNull();
        assertThat(stored("t21")).isNotNull();

        advance(Duration.ofMinutes(5));
        assertThat(stored("t21")).isNull();
    }

    @Test
    void answersAtOnceWhenNoAgentCanBeAsked() {
        plan(List.of());

        request("t8", Duration.ofSeconds(8));

        assertThat(single(results()).outcomes()).isEmpty();
    }

    @Test
    void waitsForThePlanWithoutBlockingAndIgnoresASecondPlan() {
        plan(List.of(List.of("weather")));
        tasks.pipeInput("p1", AgentTaskRequested.of("p1", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));

        assertThat(planningRequests).singleElement().satisfies(r -> assertThat(r.taskId()).isEqualTo("p1"));
        assertThat(subtasks("weather")).isEmpty();
        planned(TaskPlanned.of("p1", "c1", "question", List.of(List.of("weather")), "llm", "first"));
        // a second planning (after a restart) sent its own plan and subtasks; the first plan read is the task's
        planned(TaskPlanned.of("p1", "c1", "question", List.of(List.of("news")), "local", "second"));
        replies.pipeInput("p1", SubtaskCompleted.of("p1", "c1", "news", "not asked by the plan", 20));
        assertThat(results()).isEmpty();
        replies.pipeInput("p1", SubtaskCompleted.of("p1", "c1", "weather", "Sunny", 20));

        assertThat(single(results()).outcomes()).extracting(AgentOutcome::agent).containsExactly("weather");
    }

    @Test
    void theFirstStagesSubtasksLeaveWithThePlanNotAfterTheAggregatorReadsIt() {
        plan(List.of(List.of("weather", "news"), List.of("chat")));

        tasks.pipeInput("f1", AgentTaskRequested.of("f1", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));
        plans.pipeInput(new TestRecord<>("f1", TaskPlanned.of("f1", "c1", "question", nextPlan.get(), "test", "r"),
                null, clock.instant()));

        assertThat(output(Topics.requestsFor("weather"))).as("the aggregator does not send stage 1 again").isEmpty();
        assertThat(output(Topics.requestsFor("news"))).isEmpty();
        replies.pipeInput("f1", SubtaskCompleted.of("f1", "c1", "weather", "Sunny", 20));
        replies.pipeInput("f1", SubtaskCompleted.of("f1", "c1", "news", "Calm", 20));
        assertThat(single(subtasks("chat")).stage()).as("later stages are the aggregator's").isEqualTo(2);
    }

    @Test
    void keepsRepliesThatArriveBeforeTheirPlanAndCountsThemWhenItArrives() {
        plan(List.of(List.of("weather", "news")));
        tasks.pipeInput("e1", AgentTaskRequested.of("e1", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));

        replies.pipeInput("e1", SubtaskCompleted.of("e1", "c1", "weather", "Sunny", 20));
        replies.pipeInput("e1", SubtaskCompleted.of("e1", "c1", "weather", "Sunny again", 21));
        assertThat(results()).isEmpty();
        planned(TaskPlanned.of("e1", "c1", "question", nextPlan.get(), "test", "r"));
        assertThat(results()).as("news has not answered yet").isEmpty();
        replies.pipeInput("e1", SubtaskCompleted.of("e1", "c1", "news", "Calm", 30));

        AgentTaskCompleted result = single(results());
        assertThat(result.partial()).isFalse();
        assertThat(result.outcomes()).extracting(AgentOutcome::agent, AgentOutcome::answer, AgentOutcome::stage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weather", "Sunny", 1),
                        org.assertj.core.groups.Tuple.tuple("news", "Calm", 1));
        assertThat(meters.get("manager.agent.outcomes").tag("agent", "weather").counter().count()).isEqualTo(1);
    }

    @Test
    void publishesAtOnceWhenEveryFirstStageAgentAnsweredBeforeThePlanAndDropsRepliesThePlanDoesNotHave() {
        plan(List.of(List.of("weather"), List.of("chat")));
        tasks.pipeInput("e2", AgentTaskRequested.of("e2", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));
        replies.pipeInput("e2", SubtaskFailed.of("e2", "c1", "weather", "provider down", 20));
        replies.pipeInput("e2", SubtaskCompleted.of("e2", "c1", "news", "not in the plan", 20));

        planned(TaskPlanned.of("e2", "c1", "question", nextPlan.get(), "test", "r"));

        SubtaskRequested chat = single(subtasks("chat"));
        assertThat(chat.priorAnswers()).as("a failed agent gives no answer to build on").isEmpty();
        replies.pipeInput("e2", SubtaskCompleted.of("e2", "c1", "chat", "Sorry", 20));
        assertThat(single(results()).outcomes()).extracting(AgentOutcome::agent, AgentOutcome::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("weather", AgentOutcome.Status.FAILED),
                        org.assertj.core.groups.Tuple.tuple("chat", AgentOutcome.Status.ANSWERED));
    }

    @Test
    void stageOneEndsAtTheDeadlineItsSubtasksCarryHoweverLateThePlanIsRead() {
        plan(List.of(List.of("weather", "news"), List.of("chat")));
        tasks.pipeInput("d1", AgentTaskRequested.of("d1", "c1", "question", List.of(), START.plusSeconds(10),
                "gateway-1"));
        Instant madeAt = START.plusSeconds(1);
        advance(Duration.ofSeconds(2)); // the plan, made at 1 s, is read at 2 s

        planned(TaskPlanned.of("d1", "c1", "question", nextPlan.get(), "test", "r"), madeAt);
        Instant carried = single(subtasks("weather")).deadline();
        assertThat(carried).as("60 % of the 9 s left when the plan was made").isEqualTo(START.plusMillis(6_400));
        replies.pipeInput("d1", SubtaskCompleted.of("d1", "c1", "weather", "Sunny", 20));
        advance(Duration.ofMillis(4_350)); // 6.35 s
        assertThat(subtasks("chat")).isEmpty();
        advance(Duration.ofMillis(100)); // 6.45 s

        assertThat(single(subtasks("chat")).priorAnswers()).containsExactly(new PriorAnswer("weather", "Sunny"));
    }

    @Test
    void aTaskCancelledWhileBeingPlannedSendsNoSubtasksWithItsPlan() {
        tasks.pipeInput("x1", AgentTaskRequested.of("x1", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));
        PlanningStage.FirstStage firstStage = planningRequests.getLast().firstStage();
        var plan = new dev.agentmesh.manager.planning.Plan(List.of(List.of("weather")), "test", "r");
        assertThat(firstStage.subtasks(plan, clock.instant())).hasSize(1);

        tasks.pipeInput("x1", AgentTaskCancelled.of("x1", "c1", "barge-in"));

        assertThat(firstStage.subtasks(plan, clock.instant())).isEmpty();
    }

    @Test
    void publishesAnEmptyResultAtTheDeadlineWhenNoPlanCameBack() {
        tasks.pipeInput("p2", AgentTaskRequested.of("p2", "c1", "question", List.of(), clock.instant().plusSeconds(3),
                "gateway-1"));

        advance(Duration.ofMillis(3_100));

        assertThat(single(results()).outcomes()).isEmpty();
    }

    @Test
    void aPlanForACancelledTaskAsksNobody() {
        tasks.pipeInput("p3", AgentTaskRequested.of("p3", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-1"));
        tasks.pipeInput("p3", AgentTaskCancelled.of("p3", "c1", "barge-in"));
        planned(TaskPlanned.of("p3", "c1", "question", List.of(List.of("weather")), "local", "late"));

        assertThat(subtasks("weather")).isEmpty();
        assertThat(results()).isEmpty();
    }

    @Test
    void logsThePlanToTheConversation() {
        plan(List.of(List.of("weather"), List.of("chat")));

        request("t9", Duration.ofSeconds(8));

        TaskPlanned planned = driver.createOutputTopic(Topics.CONVERSATION_EVENTS, Serdes.String().deserializer(),
                new EventSerde().deserializer()).readRecord().value() instanceof TaskPlanned p ? p : null;
        assertThat(planned).isNotNull();
        assertThat(planned.stages()).containsExactly(List.of("weather"), List.of("chat"));
    }

    @Test
    void sendsThePlanAndTheResultToThePartitionTheTaskNamedAndThePlanToTheAuditLog() {
        plan(List.of(List.of("weather")));

        tasks.pipeInput("t5", AgentTaskRequested.of("t5", "c1", "question", List.of(), clock.instant().plusSeconds(8),
                "gateway-2", null, 4));
        planned(TaskPlanned.of("t5", "c1", "question", nextPlan.get(), "test", "fixed"));
        replies.pipeInput("t5", SubtaskCompleted.of("t5", "c1", "weather", "Sunny", 40));

        var toGateway = driver.createOutputTopic(Topics.AGENT_RESULTS, Serdes.String().deserializer(),
                new EventSerde().deserializer()).readRecordsToList();
        assertThat(toGateway).extracting(record -> record.key()).containsExactly("t5", "t5");
        assertThat(toGateway.get(0).value()).isInstanceOfSatisfying(TaskPlanned.class, plan -> {
            assertThat(plan.stages()).containsExactly(List.of("weather"));
            assertThat(plan.replyTo()).isEqualTo("gateway-2");
            assertThat(plan.replyPartition()).isEqualTo(4);
        });
        assertThat(toGateway.get(1).value()).isInstanceOfSatisfying(AgentTaskCompleted.class, result -> {
            assertThat(result.replyTo()).isEqualTo("gateway-2");
            assertThat(result.replyPartition()).isEqualTo(4);
        });
        var audit = driver.createOutputTopic(Topics.CONVERSATION_EVENTS, Serdes.String().deserializer(),
                new EventSerde().deserializer()).readRecordsToList();
        assertThat(audit).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("c1");
            assertThat(record.value()).isInstanceOfSatisfying(TaskPlanned.class,
                    plan -> assertThat(plan.replyPartition()).isNull());
        });
    }

    @Test
    void aReplyGoesToItsPartitionWhenTheTopicHasItAndByKeyOtherwise() {
        AgentTaskCompleted addressed = AgentTaskCompleted.of("t1", "c1", "gateway-4", 4, List.of(), 5);
        TaskPlanned plan = TaskPlanned.of("t1", "c1", "q", List.of(List.of("weather")), "local", "r");

        assertThat(AggregationConfiguration.partitionsFor(Topics.AGENT_RESULTS, "t1", addressed, 6))
                .contains(java.util.Set.of(4));
        assertThat(AggregationConfiguration.partitionsFor(Topics.AGENT_RESULTS, "t1", plan.addressedTo("gateway-4", 4),
                6)).contains(java.util.Set.of(4));
        assertThat(AggregationConfiguration.partitionsFor(Topics.AGENT_RESULTS, "t1", addressed, 4))
                .as("a partition the topic does not have").isEmpty();
        assertThat(AggregationConfiguration.partitionsFor(Topics.AGENT_RESULTS, "t1",
                AgentTaskCompleted.of("t1", "c1", "gateway-old", List.of(), 5), 6)).as("an old task's result").isEmpty();
        assertThat(AggregationConfiguration.partitionsFor(Topics.CONVERSATION_EVENTS, "c1", plan, 6)).isEmpty();
    }

    private void plan(List<List<String>> stages) {
        nextPlan.set(stages);
    }

    /** A request, and the plan for it as the planning stage would send it back. */
    private void request(String taskId, Duration within) {
        int before = planningRequests.size();
        tasks.pipeInput(taskId, AgentTaskRequested.of(taskId, "c1", "question", List.of(), clock.instant().plus(within),
                "gateway-1"));
        if (planningRequests.size() > before) {
            planned(TaskPlanned.of(taskId, "c1", "question", nextPlan.get(), "test", "fixed by the test"));
        }
    }

    /**
     * What the planning stage does with a plan made now: the plan on agent-plans, stamped with the instant it was
     * made, and stage 1's subtasks as the request describes them, sent by the stage itself.
     */
    private void planned(TaskPlanned plan) {
        planned(plan, clock.instant());
    }

    private void planned(TaskPlanned plan, Instant madeAt) {
        PlanningStage.Request request = planningRequests.stream().filter(r -> r.taskId().equals(plan.taskId()))
                .reduce((first, last) -> last).orElseThrow();
        for (SubtaskRequested subtask : request.firstStage().subtasks(new dev.agentmesh.manager.planning.Plan(
                plan.stages(), plan.planner(), plan.rationale()), madeAt)) {
            Headers headers = new RecordHeaders();
            tracing.write(request.firstStage().trace(), headers);
            sentWithPlans.add(new TestRecord<>(Topics.requestsFor(subtask.agent()), subtask, headers, madeAt));
        }
        plans.pipeInput(new TestRecord<>(plan.taskId(), plan, null, madeAt));
    }

    /** The one stage-1 subtask sent to this agent (the record's key is its topic here). */
    private TestRecord<String, Event> sentWithPlan(String agent) {
        return single(sentWithPlans.stream().filter(r -> r.key().equals(Topics.requestsFor(agent))).toList());
    }

    private void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    /** Every subtask this agent was sent: stage 1's by the planning stage, later ones by the aggregator. */
    private List<SubtaskRequested> subtasks(String agent) {
        List<SubtaskRequested> all = new java.util.ArrayList<>(sentWithPlans.stream()
                .filter(r -> r.key().equals(Topics.requestsFor(agent))).map(r -> (SubtaskRequested) r.value())
                .toList());
        sentWithPlans.removeIf(r -> r.key().equals(Topics.requestsFor(agent)));
        output(Topics.requestsFor(agent)).stream().map(SubtaskRequested.class::cast).forEach(all::add);
        return all;
    }

    private TaskState stored(String taskId) {
        return driver.<String, TaskState>getKeyValueStore(TaskAggregator.STORE).get(taskId);
    }

    private List<AgentTaskCompleted> results() {
        return output(Topics.AGENT_RESULTS).stream().map(AgentTaskCompleted.class::cast).toList();
    }

    private List<Event> output(String topic) {
        TestOutputTopic<String, Event> out = driver.createOutputTopic(topic, Serdes.String().deserializer(),
                new EventSerde().deserializer());
        return out.readValuesToList();
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.getFirst();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
