package dev.agentmesh.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The system as users start it: deploy/local/up.sh and down.sh of a checkout, run as processes. Each start is
 * described by the start-up table up.sh writes ({@code deploy/local/run/startup.tsv}).
 */
final class LocalSystem {

    /** One service's start: milliseconds until its readiness probe answered, its JVM's CPU time by then. */
    record ServiceStart(String name, long readyMs, long cpuMs, String archive) {
    }

    /**
     * One start of the whole system; {@code seconds} is up.sh's own wall time, build included when it built;
     * {@code agentsLiveMs} is from the services' start until the manager planned with every agent.
     */
    record Start(String label, String settings, double seconds, double loadBefore, double loadAfter,
                 long totalCpuMs, long agentsLiveMs, List<ServiceStart> services) {

        ServiceStart service(String name) {
            return services.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }
    }

    /** Environment variables that would take the system online: the benchmark always runs it offline. */
    private static final List<String> ONLINE = List.of("OPENAI_API_KEY", "LLM_API_KEY", "LLM_BASE_URL");

    private final Path checkout;
    private final Path log;

    LocalSystem(Path checkout, Path log) {
        this.checkout = checkout;
        this.log = log;
    }

    Path checkout() {
        return checkout;
    }

    private Path run() {
        return checkout.resolve("deploy/local/run");
    }

    /** Whether a system started from this checkout is running (its broker's pid file names a live process). */
    boolean running() {
        Path pid = run().resolve("pids/kafka.pid");
        try {
            return Files.exists(pid)
                    && ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).map(ProcessHandle::isAlive)
                    .orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Runs up.sh with {@code env} added to this environment; fails with the log's name when it does. */
    Start up(String label, String settings, Map<String, String> env) throws InterruptedException {
        double before = Machine.loadAverage();
        long started = System.nanoTime();
        script("up.sh", env, Duration.ofMinutes(15));
        double seconds = (System.nanoTime() - started) / 1e9;
        List<ServiceStart> services = new ArrayList<>();
        long cpu = 0;
        long agentsLive = -1;
        try {
            for (String line : Files.readAllLines(run().resolve("startup.tsv"))) {
                String[] cells = line.split("\t");
                if (cells.length < 4 || cells[0].equals("what") || cells[0].equals("total")) {
                    continue;
                }
                if (cells[0].equals("agents-live")) {
                    agentsLive = Long.parseLong(cells[1]);
                    continue;
                }
                ServiceStart service = new ServiceStart(cells[0], Long.parseLong(cells[1]), Long.parseLong(cells[2]),
                        cells[3]);
                services.add(service);
                cpu += service.cpuMs();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Start(label, settings, seconds, before, Machine.loadAverage(), cpu, agentsLive,
                List.copyOf(services));
    }

    void down() throws InterruptedException {
        script("down.sh", Map.of(), Duration.ofMinutes(3));
    }

    /** Waits until the background training up.sh started after a first start (see common.sh) has finished. */
    void awaitTraining(Duration atMost) throws InterruptedException {
        Path pid = run().resolve("pids/training.pid");
        long giveUp = System.nanoTime() + atMost.toNanos();
        while (Files.exists(pid)) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("archives still being made after " + atMost.toMinutes() + " min ("
                        + run().resolve("logs") + "/*-training.log)");
            }
            Thread.sleep(1000);
        }
    }

    /** Modules whose start-up archive exists. */
    List<String> archived() {
        try (var apps = Files.list(run().resolve("apps"))) {
            return apps.filter(dir -> Files.isRegularFile(dir.resolve("archive"))).map(dir -> dir.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void script(String name, Map<String, String> env, Duration timeout) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(checkout.resolve("deploy/local").resolve(name).toString())
                .directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        ONLINE.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        try {
            Files.writeString(log, "\n$ " + env + " deploy/local/" + name + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroy();
                throw new IllegalStateException(name + " did not finish within " + timeout.toMinutes() + " min; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed (exit " + process.exitValue() + "); see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
