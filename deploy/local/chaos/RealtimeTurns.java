import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A realtime client for chaos.sh: opens sessions on the gateway's realtime WebSocket (with agent events), makes
 * delegated text turns and reports what each turn got. Run with the broker's jars on the class path (Jackson).
 *
 * <pre>
 * turns [--sessions N] [--turns M] [--question TEXT] [--turn-timeout-s S] [--step-dir DIR]
 *     one line per turn: TURN session=.. turn=.. status=complete|partial|failed|lost ms=.. outcomes=agent:status,..
 *     answer="..." ; then SUMMARY sessions=.. turns=.. complete=.. partial=.. failed=.. lost=.. errors=..
 *     With --step-dir, turn i (i > 1) of a session starts only once the file DIR/turn&lt;i&gt; exists.
 * hold
 *     opens one session, prints READY, then waits for the gateway to end it and prints
 *     CLOSED error_code=.. close_code=.. ms_after_ready=..
 * </pre>
 */
public class RealtimeTurns {

    static final ObjectMapper JSON = new ObjectMapper();
    static final URI GATEWAY = URI.create(System.getenv().getOrDefault("GATEWAY_REALTIME_URL",
            "ws://127.0.0.1:8080/v1/realtime?agent_events=true"));

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "turns";
        int sessions = Integer.parseInt(option(args, "--sessions", "1"));
        int turns = Integer.parseInt(option(args, "--turns", "1"));
        String question = option(args, "--question", "What's the weather in Paris and any news about France?");
        long turnTimeout = Long.parseLong(option(args, "--turn-timeout-s", "25"));
        String stepDir = option(args, "--step-dir", null);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        if (mode.equals("hold")) {
            hold(http);
            return;
        }
        AtomicInteger complete = new AtomicInteger(), partial = new AtomicInteger(), failed = new AtomicInteger(),
                lost = new AtomicInteger(), errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int s = 1; s <= sessions; s++) {
            int session = s;
            threads.add(Thread.ofVirtual().start(() -> {
                Client client = null;
                try {
                    client = Client.open(http);
                    for (int t = 1; t <= turns; t++) {
                        if (stepDir != null && t > 1) {
                            Path go = Path.of(stepDir, "turn" + t);
                            while (!Files.exists(go)) {
                                Thread.sleep(100);
                            }
                        }
                        Turn turn = client.turn(question, Duration.ofSeconds(turnTimeout));
                        switch (turn.status) {
                            case "complete" -> complete.incrementAndGet();
                            case "partial" -> partial.incrementAndGet();
                            case "failed" -> failed.incrementAndGet();
                            default -> lost.incrementAndGet();
                        }
                        if (sessions == 1 || !turn.status.equals("complete")) {
                            System.out.printf("TURN session=%d turn=%d %s%n", session, t, turn);
                            System.out.flush();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.out.printf("SESSION_ERROR session=%d %s%n", session, e);
                } finally {
                    if (client != null) {
                        client.close();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        int expected = sessions * turns;
        int counted = complete.get() + partial.get() + failed.get() + lost.get();
        System.out.printf("SUMMARY sessions=%d turns=%d complete=%d partial=%d failed=%d lost=%d errors=%d%n",
                sessions, expected, complete.get(), partial.get(), failed.get(), lost.get() + expected - counted,
                errors.get());
    }

    static void hold(HttpClient http) throws Exception {
        Client client = Client.open(http);
        System.out.println("READY");
        System.out.flush();
        long ready = System.nanoTime();
        String errorCode = "none";
        while (true) {
            JsonNode event = client.next(Duration.ofSeconds(30));
            if (event == null) {
                break;
            }
            if ("error".equals(event.path("type").asText())) {
                errorCode = event.path("error").path("code").asText();
            }
        }
        boolean closed = client.closed.await(5, TimeUnit.SECONDS);
        System.out.printf("CLOSED error_code=%s close_code=%s ms_after_ready=%d%n", errorCode,
                closed ? client.closeCode : "none", (System.nanoTime() - ready) / 1_000_000);
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    record Turn(String status, long ms, String outcomes, String error, String answer) {
        @Override
        public String toString() {
            return "status=" + status + " ms=" + ms + " outcomes=" + outcomes
                    + (error == null ? "" : " error=\"" + error + "\"")
                    + " answer=\"" + (answer == null ? "" : answer.replace('\n', ' ').replace('"', '\'')) + "\"";
        }
    }

    /** One realtime session; events arrive on a queue, a null event marks the socket's end. */
    static final class Client implements WebSocket.Listener {
        private static final JsonNode END = JSON.createObjectNode().put("type", "_closed");
        final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final StringBuilder partialText = new StringBuilder();
        volatile int closeCode = -1;
        WebSocket socket;

        static Client open(HttpClient http) throws Exception {
            Client client = new Client();
            client.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(GATEWAY, client).get(10, TimeUnit.SECONDS);
            client.await("session.created", Duration.ofSeconds(10));
            client.send("{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"output_modalities\":[\"text\"]}}");
            client.await("session.updated", Duration.ofSeconds(10));
            return client;
        }

        Turn turn(String question, Duration timeout) throws Exception {
            ObjectNode create = JSON.createObjectNode().put("type", "conversation.item.create");
            ObjectNode item = create.putObject("item").put("type", "message").put("role", "user");
            item.putArray("content").addObject().put("type", "input_text").put("text", question);
            long start = System.nanoTime();
            send(JSON.writeValueAsString(create));
            send("{\"type\":\"response.create\"}");
            long deadline = start + timeout.toNanos();
            JsonNode completed = null;
            String answer = null;
            List<String> seen = new ArrayList<>();
            String answerText = null;
            while (answer == null) {
                if (completed != null && answerText != null) {
                    answer = answerText;
                    break;
                }
                long left = deadline - System.nanoTime();
                JsonNode event = left > 0 ? next(Duration.ofNanos(left)) : null;
                if (event == null) {
                    break;
                }
                seen.add(event.path("type").asText());
                switch (event.path("type").asText()) {
                    case "agent_mesh.task.completed" -> completed = event;
                    // The gateway sends the result upstream before it tells this client, so with a fast model the
                    // answer can arrive before agent_mesh.task.completed; the answer is the turn's only text.
                    case "response.output_text.done" -> answerText = event.path("text").asText();
                    case "error" -> {
                        return new Turn("lost", ms(start), "-", "error event: " + event.path("error"), null);
                    }
                    default -> {
                    }
                }
            }
            long took = ms(start);
            if (completed == null || answer == null) {
                String last = String.join(",", seen.subList(Math.max(0, seen.size() - 8), seen.size()));
                answer = answerText;
                return new Turn("lost", took, completed == null ? "-" : outcomes(completed),
                        (completed == null ? "no agent_mesh.task.completed" : "no answer text")
                                + "; last events: " + (last.isEmpty() ? "none" : last), answer);
            }
            String error = completed.hasNonNull("error") ? completed.path("error").asText() : null;
            String status = error != null ? "failed" : completed.path("partial").asBoolean() ? "partial" : "complete";
            return new Turn(status, took, outcomes(completed), error, answer);
        }

        static String outcomes(JsonNode completed) {
            List<String> parts = new ArrayList<>();
            for (JsonNode outcome : completed.path("outcomes")) {
                parts.add(outcome.path("agent").asText() + ":" + outcome.path("status").asText());
            }
            return parts.isEmpty() ? "none" : String.join(",", parts);
        }

        static long ms(long start) {
            return (System.nanoTime() - start) / 1_000_000;
        }

        void await(String type, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode event = left > 0 ? next(Duration.ofNanos(left)) : null;
                if (event == null) {
                    throw new IllegalStateException("no " + type + " within " + timeout.toSeconds() + " s");
                }
                if (type.equals(event.path("type").asText())) {
                    return;
                }
            }
        }

        /** The next event, or null on timeout or when the socket has closed. */
        JsonNode next(Duration timeout) throws InterruptedException {
            JsonNode event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (event == END) {
                events.offer(END);
                return null;
            }
            return event;
        }

        void send(String text) throws Exception {
            synchronized (this) {
                socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            }
        }

        void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partialText.append(data);
            if (last) {
                try {
                    events.offer(JSON.readTree(partialText.toString()));
                } catch (Exception e) {
                    events.offer(JSON.createObjectNode().put("type", "_unparsable"));
                }
                partialText.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            closed.countDown();
            events.offer(END);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.countDown();
            events.offer(END);
        }
    }
}
