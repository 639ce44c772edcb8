package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.RealtimeTestClient;
import dev.agentmesh.gateway.ScriptedUpstream;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaTestConfig;
import dev.agentmesh.testing.RecordedSpans;
import io.micrometer.tracing.Span;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's part of a delegated turn's trace, against a scripted upstream and through a real broker, with the
 * test as the manager: the turn is a span from the model's call to the output sent upstream, the task's record is
 * sent in it, and the result is delivered to the session in a span that continues the result's trace.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.main.web-application-type=reactive",
        "gateway.instance-id=trace-it",
        "gateway.upstream.api-key=sk-test-server-key-4711",
        "management.tracing.sampling.probability=1.0",
        "management.opentelemetry.tracing.export.schedule-delay=50ms"})
@Import({KafkaTestConfig.class, TurnTraceIT.Exporter.class})
class TurnTraceIT {

    private static final RecordedSpans SPANS = new RecordedSpans();
    private static final ScriptedUpstream UPSTREAM = ScriptedUpstream.start();

    @TestConfiguration(proxyBeanMethods = false)
    static class Exporter {
        @Bean
        SpanExporter recordedSpans() {
            return SPANS.exporter();
        }
    }

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("gateway.upstream.url", UPSTREAM::url);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void stopUpstream() throws Exception {
        UPSTREAM.close();
    }

    @Test
    void theTurnIsASpanThatSendsTheTaskAndTheResultIsDeliveredInTheResultsTrace() {
        try (EventProbe tasks = EventProbe.on(Topics.AGENT_TASKS); EventPublisher publisher = new EventPublisher();
             RealtimeTestClient client = RealtimeTestClient.connect("ws://127.0.0.1:" + port + "/v1/realtime")) {
            client.awaitEvent("session.created");
            client.sendText("What's the weather in Paris?");
            UPSTREAM.modelCallsAskAgents("call_trace", "{\"request\":\"Weather in Paris today\"}");

            AgentTaskRequested task = tasks.awaitEvent(AgentTaskRequested.class,
                    requested -> requested.request().equals("Weather in Paris today"), Duration.ofSeconds(20));
            ConsumerRecord<String, byte[]> record = tasks.records().stream()
                    .filter(candidate -> candidate.key().equals(task.taskId())).findFirst().orElseThrow();
            // the manager's side, as the manager continues it: a span from the task's record, the result in it
            Map<String, String> received = new HashMap<>();
            received.put("traceparent", header(record, "traceparent"));
            Span manager = SPANS.propagator().extract(received, Map::get).name("aggregate task").start();
            Map<String, String> sent = new HashMap<>();
            SPANS.propagator().inject(manager.context(), sent, Map::put);
            // on the partition of agent-results the task names, the one this gateway reads
            publisher.publish(Topics.AGENT_RESULTS, task.replyPartition(), task.taskId(), AgentTaskCompleted.of(
                    task.taskId(), task.conversationId(), "trace-it", task.replyPartition(), List.of(
                            AgentOutcome.answered("weather", "12 °C in Paris.", 40, 1)), 60),
                    sent.entrySet().stream().map(entry -> new RecordHeader(entry.getKey(),
                            entry.getValue().getBytes(StandardCharsets.UTF_8))).toArray(Header[]::new));
            manager.end();
            UPSTREAM.awaitReceived("conversation.item.create", event -> event.contains("call_trace"));

            SpanData turn = SPANS.awaitSpan("the delegated turn", RecordedSpans.named("delegated turn", "task.id",
                    task.taskId()), Duration.ofSeconds(10));
            SpanData delivery = SPANS.awaitSpan("the delivery of the result", RecordedSpans.named("deliver result",
                    "task.id", task.taskId()), Duration.ofSeconds(10));
            String tree = SPANS.toString();

            SpanData send = SPANS.find(span -> span.getSpanId().equals(header(record, "traceparent").split("-")[2]))
                    .orElseThrow(() -> new AssertionError("no span sent the task: " + tree));
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getParentSpanId()).as("the task is sent in the turn's span: " + tree)
                    .isEqualTo(turn.getSpanId());
            assertThat(turn.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("complete");
            assertThat(turn.getAttributes().get(AttributeKey.stringKey("conversation.id")))
                    .isEqualTo(task.conversationId());
            assertThat(delivery.getTraceId()).as(tree).isEqualTo(turn.getTraceId());
            assertThat(delivery.getParentSpanId()).as("the inbox continues the result's trace")
                    .isEqualTo(manager.context().spanId());
            assertThat(delivery.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(turn.getEndEpochNanos()).as("the turn ends once its output went upstream, during delivery")
                    .isBetween(delivery.getStartEpochNanos(), delivery.getEndEpochNanos());
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        assertThat(header).as(name + " on the task's record").isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
