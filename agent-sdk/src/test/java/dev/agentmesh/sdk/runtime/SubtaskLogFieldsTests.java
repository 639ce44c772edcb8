package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * With structured logging switched on as an operator would ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}), what
 * an agent logs while it handles a subtask carries the task's ids as JSON fields, and nothing of it stays on the
 * threads for the next subtask.
 */
@ExtendWith(OutputCaptureExtension.class)
class SubtaskLogFieldsTests {

    private static final Logger agentLog = LoggerFactory.getLogger("dev.agentmesh.test.EchoAgent");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }

    private ConfigurableApplicationContext logging;
    private final ExecutorService workers = Executors.newSingleThreadExecutor();

    @BeforeEach
    void structuredLogs() {
        // Spring Boot sets the logging system up from the environment, as in a service (logback-structured.xml is
        // its structured console appender: the test class path's logback-test.xml would be found first otherwise)
        logging = new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
                .properties("logging.structured.format.console=ecs", "logging.config=classpath:logback-structured.xml",
                        "spring.main.banner-mode=off").run();
    }

    @AfterEach
    void stop() {
        workers.shutdownNow();
        logging.close();
    }

    @Test
    void linesWrittenWhileHandlingASubtaskCarryItsIdsAndTheNextSubtaskStartsClean(CapturedOutput output)
            throws Exception {
        SubtaskRunner runner = new SubtaskRunner(echo(), acknowledgingTemplate(),
                new AgentMetrics(new SimpleMeterRegistry(), "echo"), workers, 64 * 1024, Tracer.NOOP);

        runner.run(subtask("task-1", "conversation-1", "first"));

        JsonNode line = line(output, "echo is handling first");
        assertThat(line.path("taskId").asString()).isEqualTo("task-1");
        assertThat(line.path("conversationId").asString()).isEqualTo("conversation-1");
        assertThat(line.path("agent").asString()).isEqualTo("echo");
        JsonNode answered = line(output, "Subtask answered");
        assertThat(answered.path("taskId").asString()).isEqualTo("task-1");

        // the worker thread and the runner's own thread hold nothing of the finished subtask
        Map<String, String> onWorker = workers.submit(MDC::getCopyOfContextMap).get();
        assertThat(onWorker == null ? Map.of() : onWorker).doesNotContainKeys("taskId", "conversationId", "agent");
        assertThat(MDC.get("taskId")).isNull();

        runner.run(subtask("task-2", "conversation-2", "second"));
        assertThat(line(output, "echo is handling second").path("taskId").asString()).isEqualTo("task-2");
    }

    private static JsonNode line(CapturedOutput output, String containing) {
        String found = output.getOut().lines().filter(text -> text.contains(containing)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no log line containing '" + containing + "' in:\n"
                        + output.getOut()));
        return JSON.readTree(found);
    }

    private static Agent echo() {
        return new Agent() {
            @Override
            public String name() {
                return "echo";
            }

            @Override
            public String description() {
                return "Repeats the request";
            }

            @Override
            public String handle(AgentRequest request) {
                agentLog.info("echo is handling {}", request.text());
                return request.text();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static KafkaTemplate<String, Event> acknowledgingTemplate() {
        KafkaTemplate<String, Event> template = mock(KafkaTemplate.class);
        when(template.send(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        return template;
    }

    private static SubtaskRequested subtask(String taskId, String conversationId, String text) {
        return SubtaskRequested.of(taskId, conversationId, "echo", text, List.of(), List.of(), 1,
                Instant.now().plus(Duration.ofSeconds(30)));
    }
}
