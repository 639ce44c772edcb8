package dev.agentmesh.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * N realtime client sessions on one URL (the upstream directly, or the gateway). Each sends 20 ms of PCM16
 * 24 kHz audio every 20 ms (staggered across sessions) and measures the one-way latency of every audio delta
 * it receives from the stamp the upstream put in the event. The JDK's client with a scheduled task per session on two
 * threads: the measuring side before {@link NettyRealtimeLoad}, kept for {@code run.sh --relay --load=jdk}.
 */
final class RealtimeLoad implements SessionLoad {

    static final String APPEND = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + DeltaUpstream.AUDIO_20MS + "\"}";
    private static final Duration AUDIO_INTERVAL = Duration.ofMillis(20);

    /**
     * @param errors error events, unexpected closes and failed sends while measuring
     * @param sessionsWithErrors sessions that saw any of those, at any time after they opened
     * @param connectFailures sessions that did not open (or were not greeted) within 30 s
     * @param sendBacklog ticks skipped because the session's previous append was still being written
     * @param cpuCores process CPU time over wall time while measuring (the whole JVM)
     * @param refused sessions the server refused at the handshake with 503 (counted in connectFailures too)
     * @param fallingBehind {@code falling_behind} error events while measuring (counted in errors too)
     * @param measuredSeconds wall time of the measured window
     * @param gatewayCores a gateway in another process: its CPU time over wall time while measuring (NaN: none)
     * @param sendLateness how late each append was, against its due time in the real-time schedule, while measuring
     *                     (the generator's own lag: what the gateway is not to blame for)
     */
    record Result(int sessions, Samples latency, long appendsSent, long deltasReceived, long errors,
                  long sessionsWithErrors, long connectFailures, long sendBacklog, double cpuCores, long refused,
                  long fallingBehind, double measuredSeconds, double gatewayCores, Samples sendLateness) {

        /**
         * Frames relayed per second per core of the gateway's CPU: every delta received is one append the gateway
         * relayed up and one delta it relayed down (appends merely sent may still wait in a socket buffer).
         */
        double framesPerGatewayCore() {
            return 2.0 * deltasReceived / measuredSeconds / gatewayCores;
        }

        /**
         * CPU of the measuring JVM (load generator, upstream, broker) per frame it handled: every append sent and
         * delta received, plus on the direct path the upstream's side of both. A unit of work, so it can be compared
         * between generators even on a loaded machine, where latencies cannot.
         */
        double loadMicrosPerFrame() {
            return cpuCores * measuredSeconds * 1e6 / (appendsSent + deltasReceived);
        }
    }

    private final List<Client> clients = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong fallingBehind = new AtomicLong();
    private long connectFailures;
    private long refused;
    private volatile boolean recording;
    private volatile boolean closing;

    private RealtimeLoad() {
    }

    /** Opens {@code sessions} sockets, a few at a time, each greeted by its first server event. */
    static RealtimeLoad connect(String url, int sessions) {
        RealtimeLoad load = new RealtimeLoad();
        List<HttpClient> http = List.of(HttpClient.newHttpClient(), HttpClient.newHttpClient());
        for (int start = 0; start < sessions; start += 25) {
            List<Client> batch = new ArrayList<>();
            for (int i = start; i < Math.min(sessions, start + 25); i++) {
                Client client = load.new Client();
                http.get(i % http.size()).newWebSocketBuilder().subprotocols("realtime")
                        .buildAsync(URI.create(url), client)
                        .whenComplete((socket, error) -> {
                            if (error != null) {
                                client.greeted.completeExceptionally(error);
                            }
                        });
                batch.add(client);
            }
            for (Client client : batch) {
                try {
                    client.greeted.get(30, TimeUnit.SECONDS);
                    load.clients.add(client);
                } catch (Exception e) {
                    load.connectFailures++;
                    if (refusedWith503(e)) {
                        load.refused++;
                    }
                }
            }
        }
        return load;
    }

    private static boolean refusedWith503(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebSocketHandshakeException handshake && handshake.getResponse().statusCode() == 503) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int connected() {
        return clients.size();
    }

    @Override
    public long connectFailures() {
        return connectFailures;
    }

    /** Audio in real time for {@code warmup} (not recorded) then {@code measure}. */
    Result run(Duration warmup, Duration measure) throws InterruptedException {
        return run(warmup, measure, null);
    }

    @Override
    public Result run(Duration warmup, Duration measure, LongSupplier gatewayCpuNanos) throws InterruptedException {
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        AtomicLong appends = new AtomicLong();
        List<ScheduledFuture<?>> schedules = new ArrayList<>();
        long periodMicros = AUDIO_INTERVAL.toNanos() / 1000;
        for (int i = 0; i < clients.size(); i++) {
            Client client = clients.get(i);
            client.due = System.nanoTime() + i * periodMicros * 1000 / clients.size();
            schedules.add(ticks.scheduleAtFixedRate(() -> client.append(appends), i * periodMicros / clients.size(),
                    periodMicros, TimeUnit.MICROSECONDS));
        }
        Thread.sleep(warmup.toMillis());
        long errorsBefore = errors.get();
        long backlogBefore = backlog.get();
        long appendsBefore = appends.get();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long fallingBehindBefore = fallingBehind.get();
        long cpuBefore = os.getProcessCpuTime();
        long gatewayBefore = gatewayCpuNanos == null ? 0 : gatewayCpuNanos.getAsLong();
        long wallBefore = System.nanoTime();
        recording = true;
        Thread.sleep(measure.toMillis());
        recording = false;
        long wall = System.nanoTime() - wallBefore;
        double cores = (os.getProcessCpuTime() - cpuBefore) / (double) wall;
        double gatewayCores = gatewayCpuNanos == null ? Double.NaN
                : (gatewayCpuNanos.getAsLong() - gatewayBefore) / (double) wall;
        schedules.forEach(schedule -> schedule.cancel(false));
        ticks.shutdown();
        ticks.awaitTermination(5, TimeUnit.SECONDS);
        long[] all;
        long received = 0;
        List<long[]> parts = new ArrayList<>();
        List<long[]> lateParts = new ArrayList<>();
        for (Client client : clients) {
            synchronized (client) {
                parts.add(client.latencies.toArray());
                lateParts.add(client.lateness.toArray());
                received += client.latencies.size();
            }
        }
        all = parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        long[] late = lateParts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        long errorCount = errors.get() - errorsBefore;
        long failedSessions = clients.stream().filter(client -> client.failed).count();
        return new Result(clients.size(), Samples.of(all, (int) errorCount), appends.get() - appendsBefore, received,
                errorCount, failedSessions, connectFailures, backlog.get() - backlogBefore, cores, refused,
                fallingBehind.get() - fallingBehindBefore, wall / 1e9, gatewayCores, Samples.of(late, 0));
    }

    @Override
    public void close() {
        closing = true;
        for (Client client : clients) {
            WebSocket socket = client.socket;
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(error -> null);
            }
        }
        for (Client client : clients) {
            try {
                client.closed.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (client.socket != null) {
                    client.socket.abort();
                }
            }
        }
    }

    private final class Client implements WebSocket.Listener {

        final CompletableFuture<Void> greeted = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final Samples.Recorder latencies = new Samples.Recorder();
        final Samples.Recorder lateness = new Samples.Recorder();
        /** When this session's next tick is due (its phase plus whole periods); read and moved only by its ticks. */
        long due;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private volatile CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
        private volatile boolean failed;

        private void error() {
            errors.incrementAndGet();
            failed = true;
        }

        void append(AtomicLong appends) {
            long late = System.nanoTime() - due;
            due += AUDIO_INTERVAL.toNanos();
            if (recording) {
                synchronized (this) {
                    lateness.add(late);
                }
            }
            WebSocket current = socket;
            if (current == null || closing || closed.isDone()) {
                return;
            }
            if (!lastSend.isDone()) {
                if (recording) {
                    backlog.incrementAndGet();
                }
                return;
            }
            lastSend = current.sendText(APPEND, true);
            lastSend.whenComplete((ignored, error) -> {
                if (error != null && !closing) {
                    error();
                }
            });
            appends.incrementAndGet();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last || !partial.isEmpty()) {
                partial.append(data);
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
            }
            long now = System.nanoTime();
            String text = partial.isEmpty() ? data.toString() : partial.toString();
            partial.setLength(0);
            greeted.complete(null);
            int at = text.indexOf(DeltaUpstream.STAMP);
            if (at >= 0 && text.contains("\"response.output_audio.delta\"")) {
                int from = at + DeltaUpstream.STAMP.length();
                int to = text.indexOf('"', from);
                long stamp = Long.parseLong(text, from, to, 10);
                if (recording) {
                    synchronized (this) {
                        latencies.add(now - stamp);
                    }
                }
            } else if (text.contains("\"type\":\"error\"")) {
                if (text.contains("\"falling_behind\"") && recording) {
                    fallingBehind.incrementAndGet();
                }
                error();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closing) {
                error();
            }
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closing) {
                error();
            }
            greeted.completeExceptionally(error);
            closed.complete(null);
        }
    }
}
