package dev.agentmesh.kafka;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trace context in Kafka record headers, for code that reads or writes records without Spring Kafka's observation
 * (a Kafka Streams processor, a plain consumer): a span that continues the trace a record carries, and a span's
 * context written into the records it causes. It uses the application's propagator (W3C {@code traceparent}
 * unless configured otherwise), so these are the headers Spring Kafka's observed templates and listeners write and
 * read. Without tracing ({@link #NOOP}) spans are no-ops and no header is written.
 */
public final class TraceHeaders {

    public static final TraceHeaders NOOP = new TraceHeaders(Tracer.NOOP, Propagator.NOOP);

    private static final Propagator.Getter<Headers> FROM_HEADERS = (headers, key) -> {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    };

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceHeaders(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** A span (not yet started) continuing the trace these headers carry; the first span of a trace if none. */
    public Span.Builder continuing(Headers headers, String name) {
        return propagator.extract(headers, FROM_HEADERS).name(name);
    }

    /** The same from a context kept as a map ({@link #asMap}), for example in a state store. */
    public Span.Builder continuing(Map<String, String> carrier, String name) {
        return propagator.extract(carrier == null ? Map.<String, String>of() : carrier, Map::get).name(name);
    }

    /** Writes the context into the headers, replacing any trace context they carried. */
    public void write(TraceContext context, Headers headers) {
        propagator.fields().forEach(headers::remove);
        propagator.inject(context, headers, (carrier, key, value) ->
                carrier.add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The context as header names and values; empty without tracing. */
    public Map<String, String> asMap(TraceContext context) {
        Map<String, String> carrier = new LinkedHashMap<>();
        propagator.inject(context, carrier, Map::put);
        return carrier;
    }

    /** The trace context these headers carry, as a map; empty when they carry none. */
    public Map<String, String> asMap(Headers headers) {
        Map<String, String> carrier = new LinkedHashMap<>();
        for (String field : propagator.fields()) {
            String value = FROM_HEADERS.get(headers, field);
            if (value != null) {
                carrier.put(field, value);
            }
        }
        return carrier;
    }
}
