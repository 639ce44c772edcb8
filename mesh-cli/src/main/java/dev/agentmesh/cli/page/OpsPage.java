package dev.agentmesh.cli.page;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentmesh.cli.Json;
import dev.agentmesh.cli.Since;
import dev.agentmesh.cli.agents.AgentView;
import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.cli.timeline.RecentTasks;
import dev.agentmesh.cli.timeline.TimelineReader;
import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operator's page: the task timeline and the agent view in a browser, served by the tool itself on the operator's
 * machine (loopback by default), so no deployment serves it and no end-user path reaches it. It only reads, like
 * the commands behind it: no replay from a browser. On loopback, requests must name a loopback host, so a web page
 * elsewhere cannot read it through a rebound DNS name.
 */
public final class OpsPage implements AutoCloseable {

    private static final Set<String> STATIC = Set.of("index.html", "ops.js", "ops.css");

    private final KafkaConnection connection;
    private final Admin admin;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, OpsPage::worker);
    private final boolean loopback;

    public OpsPage(KafkaConnection connection, InetAddress address, int port, Clock clock) throws IOException {
        this.connection = connection;
        this.admin = connection.admin();
        this.clock = clock;
        this.loopback = address.isLoopbackAddress();
        this.server = HttpServer.create(new InetSocketAddress(address, port), 16);
        server.createContext("/", this::handle);
        server.setExecutor(workers);
    }

    /**
     * The HTTP server's threads do not carry the class loader that loaded the tool: from the runnable jar, Kafka's
     * clients could not load their own classes by name on them.
     */
    private static Thread worker(Runnable task) {
        Thread thread = Thread.ofPlatform().name("ops-page").daemon().unstarted(task);
        thread.setContextClassLoader(OpsPage.class.getClassLoader());
        return thread;
    }

    public OpsPage start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + (loopback ? "127.0.0.1" : server.getAddress().getHostString()) + ":" + port() + "/ops/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (loopback && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "text/plain", "the ops page answers only to 127.0.0.1, localhost or [::1]");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "only GET");
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/") || path.equals("/ops")) {
                exchange.getResponseHeaders().set("Location", "/ops/");
                send(exchange, 302, "text/plain", "");
            } else if (path.startsWith("/ops/")) {
                String file = path.substring("/ops/".length());
                serveStatic(exchange, file.isEmpty() ? "index.html" : file);
            } else if (path.equals("/api/agents")) {
                try (PartitionReader reader = new PartitionReader(connection)) {
                    sendJson(exchange, 200, new AgentView(reader, admin, clock).agents());
                }
            } else if (path.equals("/api/tasks")) {
                tasks(exchange);
            } else if (path.startsWith("/api/timeline/")) {
                timeline(exchange, URLDecoder.decode(path.substring("/api/timeline/".length()), StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            sendJson(exchange, 502, error("cannot read the cluster: " + e.getMessage()));
        }
    }

    private void tasks(HttpExchange exchange) throws IOException {
        Instant since;
        try {
            String query = exchange.getRequestURI().getRawQuery();
            String value = query == null ? null : queryValue(query, "since");
            since = Since.parse(value == null || value.isBlank() ? "1h" : value, clock);
        } catch (IllegalArgumentException e) {
            sendJson(exchange, 400, error(e.getMessage()));
            return;
        }
        try (PartitionReader reader = new PartitionReader(connection)) {
            sendJson(exchange, 200, new RecentTasks(reader).since(since, 50));
        }
    }

    private void timeline(HttpExchange exchange, String id) throws IOException {
        Instant since;
        try {
            String query = exchange.getRequestURI().getRawQuery();
            String value = query == null ? null : queryValue(query, "since");
            since = value == null || value.isBlank() ? null : Since.parse(value, clock);
            if (id.isBlank() || id.length() > 200) {
                throw new IllegalArgumentException("name a task id or a conversation id (at most 200 characters)");
            }
        } catch (IllegalArgumentException e) {
            sendJson(exchange, 400, error(e.getMessage()));
            return;
        }
        try (PartitionReader reader = new PartitionReader(connection)) {
            sendJson(exchange, 200, new TimelineReader(reader).read(id, since));
        } catch (NoSuchElementException e) {
            sendJson(exchange, 404, error(e.getMessage()));
        }
    }

    private static String queryValue(String query, String name) {
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void serveStatic(HttpExchange exchange, String file) throws IOException {
        if (!STATIC.contains(file)) {
            send(exchange, 404, "text/plain", "not found");
            return;
        }
        try (InputStream in = OpsPage.class.getResourceAsStream("/ops/" + file)) {
            if (in == null) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            String type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    private static Map<String, String> error(String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error", message);
        return error;
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", Json.write(body));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
