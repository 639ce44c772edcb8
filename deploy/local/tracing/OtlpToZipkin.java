import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * Receives traces over OTLP/HTTP (protobuf, as the services' OpenTelemetry exporters send them) on 127.0.0.1 and
 * hands them to a Zipkin server as Zipkin v2 JSON. The local run's trace viewer is Zipkin, whose server on Maven
 * Central reads no OTLP; the services export OTLP exactly as in production, and this stands in between. JDK only.
 * <p>
 * Usage (up.sh runs it with TRACING=zipkin): {@code java OtlpToZipkin.java <port> <zipkin spans url>}, e.g.
 * {@code 4318 http://127.0.0.1:9411/api/v2/spans}; the services' endpoint is then
 * {@code http://127.0.0.1:4318/v1/traces}.
 */
public class OtlpToZipkin {

    private static final HexFormat HEX = HexFormat.of();
    private static final String[] KINDS = {null, null, "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java OtlpToZipkin.java <port> <zipkin spans url>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        URI zipkin = URI.create(args[1]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/v1/traces", exchange -> relay(exchange, http, zipkin));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("OTLP/HTTP on http://127.0.0.1:" + port + "/v1/traces, spans go to " + zipkin);
    }

    private static void relay(HttpExchange exchange, HttpClient http, URI zipkin) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "POST OTLP protobuf here");
                return;
            }
            String json;
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                json = toZipkin(body.readAllBytes());
            } catch (RuntimeException e) {
                answer(exchange, 400, "not an OTLP trace request: " + e.getMessage());
                return;
            }
            try {
                HttpResponse<String> sent = http.send(HttpRequest.newBuilder(zipkin).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (sent.statusCode() / 100 != 2) {
                    answer(exchange, 502, "Zipkin answered " + sent.statusCode() + ": " + sent.body());
                    return;
                }
            } catch (IOException e) {
                answer(exchange, 503, "Zipkin is not reachable at " + zipkin + ": " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "interrupted");
                return;
            }
            // an empty ExportTraceServiceResponse: everything was accepted
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static void answer(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1) to a JSON list of Zipkin v2 spans. */
    static String toZipkin(byte[] request) {
        List<String> spans = new ArrayList<>();
        Proto message = new Proto(request, 0, request.length);
        while (message.more()) {
            int tag = message.tag();
            if (tag == field(1, 2)) {
                resourceSpans(message.message(), spans);
            } else {
                message.skip(tag);
            }
        }
        return "[" + String.join(",", spans) + "]";
    }

    private static void resourceSpans(Proto resourceSpans, List<String> out) {
        String service = "unknown";
        List<Proto> scopes = new ArrayList<>();
        while (resourceSpans.more()) {
            int tag = resourceSpans.tag();
            if (tag == field(1, 2)) {
                Map<String, String> resource = attributesOf(resourceSpans.message());
                service = resource.getOrDefault("service.name", service);
            } else if (tag == field(2, 2)) {
                scopes.add(resourceSpans.message());
            } else {
                resourceSpans.skip(tag);
            }
        }
        for (Proto scope : scopes) {
            while (scope.more()) {
                int tag = scope.tag();
                if (tag == field(2, 2)) {
                    out.add(span(scope.message(), service));
                } else {
                    scope.skip(tag);
                }
            }
        }
    }

    /** A Resource's attributes (field 1, KeyValue). */
    private static Map<String, String> attributesOf(Proto resource) {
        Map<String, String> attributes = new LinkedHashMap<>();
        while (resource.more()) {
            int tag = resource.tag();
            if (tag == field(1, 2)) {
                keyValue(resource.message(), attributes);
            } else {
                resource.skip(tag);
            }
        }
        return attributes;
    }

    private static String span(Proto span, String service) {
        String traceId = null, id = null, parentId = null, name = "", kind = null;
        long start = 0, end = 0;
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> annotations = new ArrayList<>();
        while (span.more()) {
            int tag = span.tag();
            switch (tag) {
                case 0x0a -> traceId = HEX.formatHex(span.bytes());      // 1 trace_id
                case 0x12 -> id = HEX.formatHex(span.bytes());           // 2 span_id
                case 0x22 -> parentId = HEX.formatHex(span.bytes());     // 4 parent_span_id
                case 0x2a -> name = span.string();                       // 5 name
                case 0x30 -> {                                           // 6 kind
                    int value = (int) span.varint();
                    kind = value >= 0 && value < KINDS.length ? KINDS[value] : null;
                }
                case 0x39 -> start = span.fixed64();                     // 7 start_time_unix_nano
                case 0x41 -> end = span.fixed64();                       // 8 end_time_unix_nano
                case 0x4a -> keyValue(span.message(), tags);             // 9 attributes
                case 0x5a -> annotations.add(event(span.message()));     // 11 events
                case 0x7a -> status(span.message(), tags);               // 15 status
                default -> span.skip(tag);
            }
        }
        if (traceId == null || id == null) {
            throw new IllegalArgumentException("a span without trace or span id");
        }
        StringBuilder json = new StringBuilder("{\"traceId\":\"").append(traceId).append("\",\"id\":\"").append(id)
                .append('"');
        if (parentId != null && !parentId.isEmpty() && !parentId.matches("0+")) {
            json.append(",\"parentId\":\"").append(parentId).append('"');
        }
        json.append(",\"name\":").append(quoted(name));
        if (kind != null) {
            json.append(",\"kind\":\"").append(kind).append('"');
        }
        json.append(",\"timestamp\":").append(start / 1000).append(",\"duration\":")
                .append(Math.max(1, (end - start) / 1000))
                .append(",\"localEndpoint\":{\"serviceName\":").append(quoted(service)).append('}');
        json.append(",\"tags\":{");
        List<String> pairs = new ArrayList<>();
        tags.forEach((key, value) -> pairs.add(quoted(key) + ":" + quoted(value)));
        json.append(String.join(",", pairs)).append('}');
        if (!annotations.isEmpty()) {
            json.append(",\"annotations\":[").append(String.join(",", annotations)).append(']');
        }
        return json.append('}').toString();
    }

    private static String event(Proto event) {
        long time = 0;
        String name = "";
        while (event.more()) {
            int tag = event.tag();
            if (tag == field(1, 1)) {
                time = event.fixed64();
            } else if (tag == field(2, 2)) {
                name = event.string();
            } else {
                event.skip(tag);
            }
        }
        return "{\"timestamp\":" + time / 1000 + ",\"value\":" + quoted(name) + "}";
    }

    /** Status: 2 message, 3 code (2 = ERROR); Zipkin marks a failed span with an {@code error} tag. */
    private static void status(Proto status, Map<String, String> tags) {
        String message = "";
        long code = 0;
        while (status.more()) {
            int tag = status.tag();
            if (tag == field(2, 2)) {
                message = status.string();
            } else if (tag == field(3, 0)) {
                code = status.varint();
            } else {
                status.skip(tag);
            }
        }
        if (code == 2) {
            tags.put("error", message.isEmpty() ? "true" : message);
        }
    }

    private static void keyValue(Proto keyValue, Map<String, String> into) {
        String key = null, value = "";
        while (keyValue.more()) {
            int tag = keyValue.tag();
            if (tag == field(1, 2)) {
                key = keyValue.string();
            } else if (tag == field(2, 2)) {
                value = anyValue(keyValue.message());
            } else {
                keyValue.skip(tag);
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    /** AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array (of AnyValue, field 1), 7 bytes. */
    private static String anyValue(Proto any) {
        String value = "";
        while (any.more()) {
            int tag = any.tag();
            switch (tag) {
                case 0x0a -> value = any.string();
                case 0x10 -> value = Boolean.toString(any.varint() != 0);
                case 0x18 -> value = Long.toString(any.varint());
                case 0x21 -> value = Double.toString(Double.longBitsToDouble(any.fixed64()));
                case 0x2a -> {
                    Proto array = any.message();
                    List<String> items = new ArrayList<>();
                    while (array.more()) {
                        int item = array.tag();
                        if (item == field(1, 2)) {
                            items.add(anyValue(array.message()));
                        } else {
                            array.skip(item);
                        }
                    }
                    value = String.join(",", items);
                }
                case 0x3a -> value = HEX.formatHex(any.bytes());
                default -> any.skip(tag);
            }
        }
        return value;
    }

    private static int field(int number, int wireType) {
        return number << 3 | wireType;
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Protobuf's wire format, read in place: one message between {@code pos} and {@code end}. */
    private static final class Proto {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Proto(byte[] bytes, int pos, int end) {
            this.bytes = bytes;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a varint longer than 10 bytes");
        }

        long fixed64() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value |= (long) (next() & 0xff) << (8 * i);
            }
            return value;
        }

        byte[] bytes() {
            int length = length();
            byte[] value = java.util.Arrays.copyOfRange(bytes, pos, pos + length);
            pos += length;
            return value;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Proto message() {
            int length = length();
            Proto message = new Proto(bytes, pos, pos + length);
            pos += length;
            return message;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("wire type " + (tag & 7) + " at byte " + pos);
            }
        }

        private int length() {
            long length = varint();
            if (length < 0 || pos + length > end) {
                throw new IllegalArgumentException("a field longer than its message at byte " + pos);
            }
            return (int) length;
        }

        private void advance(int count) {
            if (pos + count > end) {
                throw new IllegalArgumentException("truncated at byte " + pos);
            }
            pos += count;
        }

        private byte next() {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated at byte " + pos);
            }
            return bytes[pos++];
        }
    }
}
