package dev.agentmesh.kafka.tracing;

import dev.agentmesh.testing.RecordedSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.otel.bridge.OtelFinishedSpan;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class HousekeepingSpansTests {

    private final RecordedSpans spans = new RecordedSpans();
    private final HousekeepingSpans predicate = new HousekeepingSpans();

    @Test
    void leavesOutHeartbeatsProbesAndScrapes() {
        assertThat(predicate.isExportable(finished("agent-registry send", span -> span))).isFalse();
        assertThat(predicate.isExportable(finished("agent-registry process", span -> span))).isFalse();
        assertThat(predicate.isExportable(finished("http get /actuator/prometheus",
                span -> span.tag("uri", "/actuator/prometheus")))).isFalse();
        assertThat(predicate.isExportable(finished("http get /actuator/health/readiness",
                span -> span.tag("uri", "/actuator/health/{*path}")))).isFalse();
    }

    @Test
    void exportsTheWorkOfATurn() {
        assertThat(predicate.isExportable(finished("agent-tasks send", span -> span))).isTrue();
        assertThat(predicate.isExportable(finished("weather-requests process", span -> span))).isTrue();
        assertThat(predicate.isExportable(finished("http get", span -> span.tag("uri", "/v1/forecast")))).isTrue();
        assertThat(predicate.isExportable(finished("http get /api/status", span -> span.tag("uri", "/api/status"))))
                .isTrue();
    }

    private FinishedSpan finished(String name, UnaryOperator<Span> tags) {
        tags.apply(spans.tracer().nextSpan().name(name).start()).end();
        return OtelFinishedSpan.fromOtel(spans.all().getLast());
    }
}
