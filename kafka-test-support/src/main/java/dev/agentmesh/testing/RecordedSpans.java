package dev.agentmesh.testing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;


/**
 * Spans as the services export them, kept in memory for tests that assert span trees. Give a Spring context
 * {@link #exporter()} as a bean ({@link #registerIn}; Spring Boot exports to every {@code SpanExporter} bean), or
 * use {@link #tracer()} and {@link #propagator()} where there is no context. Contexts batch their spans (set
 * {@code management.opentelemetry.tracing.export.schedule-delay} low and sampling to 1.0 in tests), so wait for a
 * span with {@link #awaitSpan}.
 */
public final class RecordedSpans {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private OtelTracer tracer;
    private OtelPropagator propagator;

    /** Properties that make a service export every span, and soon. */
    public static final List<String> EXPORT_AT_ONCE = List.of("management.tracing.sampling.probability=1.0",
            "management.opentelemetry.tracing.export.schedule-delay=50ms");

    /**
     * An exporter into this record for one context. A context that closes shuts its exporter down, which would stop
     * an in-memory exporter for good; this one's shutdown leaves the record to the other contexts.
     */
    public SpanExporter exporter() {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return exporter.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }

    /** Makes the context export its spans here; call before it refreshes (an initializer). */
    public void registerIn(ConfigurableApplicationContext context) {
        context.getBeanFactory().registerSingleton("recordedSpans", exporter());
    }

    /** A tracer that records here at once (W3C propagation), for tests without Spring. */
    public synchronized Tracer tracer() {
        build();
        return tracer;
    }

    public synchronized Propagator propagator() {
        build();
        return propagator;
    }

    private void build() {
        if (tracer == null) {
            io.opentelemetry.api.trace.Tracer otel = SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build().get("tests");
            tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {
            });
            propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        }
    }

    public List<SpanData> all() {
        return exporter.getFinishedSpanItems();
    }

    /** The first finished span that matches, once there is one. */
    public SpanData awaitSpan(String what, Predicate<SpanData> matching, Duration within) {
        try {
            org.awaitility.Awaitility.await().atMost(within).until(() -> find(matching).isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no span: " + what + " within " + within + "; spans so far:\n" + this, e);
        }
        return find(matching).orElseThrow();
    }

    public Optional<SpanData> find(Predicate<SpanData> matching) {
        return all().stream().filter(matching).findFirst();
    }

    public static Predicate<SpanData> named(String name) {
        return span -> span.getName().equals(name);
    }

    /** A span with this name and attribute value (task ids, agents). */
    public static Predicate<SpanData> named(String name, String attribute, String value) {
        return named(name).and(span -> value.equals(span.getAttributes().asMap().entrySet().stream()
                .filter(entry -> entry.getKey().getKey().equals(attribute)).map(entry -> String.valueOf(entry.getValue()))
                .findFirst().orElse(null)));
    }

    public List<SpanData> trace(String traceId) {
        return all().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    public Optional<SpanData> parentOf(SpanData span) {
        return all().stream().filter(candidate -> candidate.getSpanId().equals(span.getParentSpanId())).findFirst();
    }

    public List<SpanData> childrenOf(SpanData span) {
        return all().stream().filter(candidate -> candidate.getParentSpanId().equals(span.getSpanId())).toList();
    }

    /** Every span, one trace after the other, indented under its parent: for failure messages. */
    @Override
    public String toString() {
        return all().stream().map(SpanData::getTraceId).distinct().map(this::tree).collect(Collectors.joining());
    }

    /** One trace, indented under each span's parent, with each span's service, kind and attributes. */
    public String tree(String traceId) {
        StringBuilder out = new StringBuilder("trace ").append(traceId).append('\n');
        List<SpanData> inTrace = trace(traceId).stream()
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        inTrace.stream().filter(span -> inTrace.stream().noneMatch(p -> p.getSpanId().equals(span.getParentSpanId())))
                .forEach(root -> print(root, inTrace, 1, out));
        return out.toString();
    }

    private static void print(SpanData span, List<SpanData> inTrace, int depth, StringBuilder out) {
        out.append("  ".repeat(depth)).append(span.getName()).append(" [")
                .append(span.getResource().getAttributes().get(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name")))
                .append(", ").append(span.getKind()).append("] ").append(span.getAttributes().asMap().entrySet()
                        .stream().map(entry -> entry.getKey().getKey() + "=" + entry.getValue())
                        .collect(Collectors.joining(", "))).append('\n');
        inTrace.stream().filter(child -> child.getParentSpanId().equals(span.getSpanId()))
                .forEach(child -> print(child, inTrace, depth + 1, out));
    }
}
