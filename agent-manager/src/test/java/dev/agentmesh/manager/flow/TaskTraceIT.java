package dev.agentmesh.manager.flow;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.manager.registry.AgentDirectory;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.RecordedSpans;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One task's trace through the real broker: a task published in a span of the test's (as the gateway publishes it
 * in its delegated turn), the manager with its local planner, and an agent on the SDK whose work calls an HTTP
 * provider through an observed client (a fake in Open-Meteo's format). Every service exports to one in-memory
 * exporter, and the test asserts the tree: one trace, each span under the one that caused it.
 */
class TaskTraceIT {

    private static final RecordedSpans spans = new RecordedSpans();
    private static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    private static volatile RestClient http;
    private static ScriptedAgent weather;
    private static ManagerInstance manager;
    private static EventProbe results;
    private static EventPublisher publisher;

    @BeforeAll
    static void startManagerAndAgent() {
        provider.start();
        provider.stubFor(get(urlPathEqualTo("/v1/forecast")).willReturn(okJson(
                "{\"latitude\":48.86,\"longitude\":2.35,\"current\":{\"temperature_2m\":12.4,\"weather_code\":61}}")));
        String[] exportAtOnce = RecordedSpans.EXPORT_AT_ONCE.toArray(String[]::new);
        weather = ScriptedAgent.withShippedCard("weather", Duration.ZERO, request -> "Paris: "
                + http.get().uri("http://127.0.0.1:" + provider.port() + "/v1/forecast?latitude=48.86&longitude=2.35&current=temperature_2m")
                .retrieve().body(String.class), spans::registerIn, exportAtOnce);
        // the agent's provider client, built the way the agents build theirs: observed with the service's registry
        http = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                .observationRegistry(weather.bean(ObservationRegistry.class)).build();
        manager = ManagerInstance.start("trace-manager", spans::registerIn, exportAtOnce);
        manager.awaitRunning();
        await().atMost(Duration.ofSeconds(30)).until(() -> manager.bean(AgentDirectory.class).live().stream()
                .anyMatch(agent -> agent.name().equals("weather")));
        results = EventProbe.on(Topics.AGENT_RESULTS);
        publisher = new EventPublisher();
    }

    @AfterAll
    static void stopEverything() {
        results.close();
        publisher.close();
        manager.close();
        weather.close();
        provider.stop();
    }

    @Test
    void oneTraceRunsFromTheTaskThroughPlanningTheStageAndTheAgentsProviderCallToTheResult() {
        String taskId = UUID.randomUUID().toString();
        Span turn = spans.tracer().nextSpan().name("delegated turn").start();
        Map<String, String> headers = new HashMap<>();
        spans.propagator().inject(turn.context(), headers, Map::put);
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, "c-trace",
                "What's the weather in Paris?", List.of(), Instant.now().plusSeconds(20), "gateway-it"), headers);
        turn.end();

        results.awaitEvent(AgentTaskCompleted.class, r -> r.taskId().equals(taskId), Duration.ofSeconds(30));
        SpanData task = spans.awaitSpan("the manager's span of the task",
                RecordedSpans.named("aggregate task", "task.id", taskId), Duration.ofSeconds(10));
        SpanData handling = spans.awaitSpan("the agent's span of the subtask",
                RecordedSpans.named("handle subtask", "task.id", taskId), Duration.ofSeconds(10));
        SpanData planning = spans.awaitSpan("the planning span", RecordedSpans.named("plan task", "task.id", taskId),
                Duration.ofSeconds(10));
        SpanData call = spans.awaitSpan("the provider call", span -> span.getKind() == SpanKind.CLIENT
                && span.getTraceId().equals(turn.context().traceId()), Duration.ofSeconds(10));

        String tree = spans.tree(turn.context().traceId());
        org.slf4j.LoggerFactory.getLogger(TaskTraceIT.class).info("The task's trace:\n{}", tree);
        assertThat(spans.trace(turn.context().traceId())).as(tree)
                .extracting(span -> span.getResource().getAttributes().get(AttributeKey.stringKey("service.name")))
                .contains("agent-manager", "weather-agent");
        assertThat(task.getTraceId()).as(tree).isEqualTo(turn.context().traceId());
        assertThat(task.getParentSpanId()).as("the task continues the span that published it").isEqualTo(
                turn.context().spanId());
        assertThat(planning.getParentSpanId()).as(tree).isEqualTo(task.getSpanId());
        assertThat(planning.getAttributes().get(AttributeKey.stringKey("planner"))).isEqualTo("local");
        SpanData stage = spans.parentOf(spans.parentOf(handling).orElseThrow()).orElseThrow();
        assertThat(stage.getName()).as(tree).isEqualTo("stage 1");
        assertThat(stage.getParentSpanId()).isEqualTo(task.getSpanId());
        SpanData received = spans.parentOf(handling).orElseThrow();
        assertThat(received.getKind()).as("the agent's listener took the subtask in the stage's trace")
                .isEqualTo(SpanKind.CONSUMER);
        assertThat(call.getParentSpanId()).as("the provider call is part of handling the subtask: " + tree)
                .isEqualTo(handling.getSpanId());
        assertThat(call.getAttributes().get(AttributeKey.stringKey("http.url"))).contains("/v1/forecast");
        // only this task's call: the broker and the Streams application id are shared with the other flow ITs, and a
        // task one of them left open may be taken over and answered through this test's agent
        assertThat(provider.getAllServeEvents()).as("the provider hears the trace too, once")
                .filteredOn(served -> String.valueOf(served.getRequest().getHeader("traceparent"))
                        .contains(turn.context().traceId()))
                .hasSize(1);
        assertThat(spans.childrenOf(handling)).as("the reply is sent while handling: " + tree)
                .anySatisfy(child -> assertThat(child.getKind()).isEqualTo(SpanKind.PRODUCER));
        ConsumerRecord<String, byte[]> result = results.records().stream().filter(r -> r.key().equals(taskId))
                .findFirst().orElseThrow();
        assertThat(new String(result.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .as("the result carries the task's span on to the gateway")
                .isEqualTo("00-" + task.getTraceId() + "-" + task.getSpanId() + "-01");
    }
}
