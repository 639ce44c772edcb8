package dev.agentmesh.benchmarks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in its own JVM, started from its exec jar as deploy/local starts it, pinned to {@code cores} with
 * {@code taskset}. Its CPU time is read from {@code /proc/<pid>/stat} and its live heap from {@code jcmd}.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayProcess.class);
    /** Production's flags (k8s/base/services/gateway.yaml) with a fixed heap instead of a share of a container's. */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private final String label;
    private final Process process;
    private final int port;

    private GatewayProcess(String label, Process process, int port) {
        this.label = label;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code jar} pinned to {@code cores} (a taskset list, e.g. "0"), with {@code jvmFlags} and Spring
     * properties {@code properties} ("name=value"); returns once its readiness probe answers UP.
     */
    static GatewayProcess start(String label, Path jar, String cores, List<String> jvmFlags, List<String> properties,
                                Path logFile) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar);
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cores,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--spring.main.banner-mode=off"));
        properties.forEach(property -> command.add("--" + property));
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
        // a benchmark stopped early must not leave its gateway running
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-gateway-" + label));
        GatewayProcess gateway = new GatewayProcess(label, process, port);
        gateway.awaitReady(Duration.ofSeconds(600), logFile);
        log.info("gateway '{}' pid {} on port {} pinned to core {} ({})", label, process.pid(), port, cores, jar);
        return gateway;
    }

    String label() {
        return label;
    }

    long pid() {
        return process.pid();
    }

    String relayUrl() {
        return "ws://127.0.0.1:" + port + "/v1/realtime";
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** User plus system CPU time of the whole process so far, in nanoseconds. */
    long cpuNanos() {
        long[] times = userAndSystemNanos();
        return times[0] + times[1];
    }

    /**
     * The process's CPU time so far in user space and in the kernel (utime, stime), in nanoseconds. The kernel's
     * share is mostly the sockets: on loopback a write also runs the receiving side's TCP stack.
     */
    long[] userAndSystemNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15
            return new long[] {Long.parseLong(fields[11]) * 1_000_000_000L / CLOCK_TICKS_PER_SECOND,
                    Long.parseLong(fields[12]) * 1_000_000_000L / CLOCK_TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the gateway's CPU time: " + e, e);
        }
    }

    /** Live heap bytes in a {@code GC.class_histogram} (which runs a full GC first): its total. */
    static long total(String histogram) {
        for (String line : histogram.lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Total")) {
                return Long.parseLong(trimmed.split("\\s+")[2]);
            }
        }
        throw new IllegalStateException("no total in the class histogram");
    }

    /** Bytes per session by class between two histograms, largest first. */
    static String perSession(String before, String after, int sessions) {
        java.util.Map<String, Long> was = classes(before);
        StringBuilder out = new StringBuilder("bytes per session, by class (" + sessions + " idle sessions)\n");
        classes(after).entrySet().stream()
                .map(entry -> java.util.Map.entry(entry.getKey(), entry.getValue() - was.getOrDefault(entry.getKey(), 0L)))
                .filter(entry -> entry.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(40)
                .forEach(entry -> out.append(String.format(java.util.Locale.ROOT, "%10d  %s%n",
                        entry.getValue() / Math.max(1, sessions), entry.getKey())));
        return out.toString();
    }

    private static java.util.Map<String, Long> classes(String histogram) {
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : histogram.lines().toList()) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[0].endsWith(":")) {
                bytes.put(columns[3], Long.parseLong(columns[2]));
            }
        }
        return bytes;
    }

    /** {@code jcmd <pid> <command...>}'s output. */
    String jcmd(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), String.valueOf(process.pid())));
        command.addAll(List.of(arguments));
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(120, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", arguments) + " failed: " + out);
        }
        return out;
    }

    /** The HTTP status of a GET on {@code path} (the readiness probe, say). */
    int status(String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void awaitReady(Duration timeout, Path logFile) throws InterruptedException, IOException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway '" + label + "' exited with " + process.exitValue()
                        + "; see " + logFile);
            }
            if (status("/actuator/health/readiness") == 200) {
                return;
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("gateway '" + label + "' not ready after " + timeout.toSeconds() + " s; see "
                + logFile);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes()).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
