package dev.agentmesh.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the numbers were measured on, read from the JVM and /proc. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("memTotal", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("os", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").replace("\"", ""));
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        machine.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        machine.put("gitCommit", git("rev-parse", "--short", "HEAD")
                + (git("status", "--porcelain", "--untracked-files=no", "--", "agent-manager/src/main", "agent-sdk/src/main",
                "mesh-kafka/src/main", "gateway/src/main", "shared-events/src/main").isBlank() ? "" : " (services' main code modified)"));
        machine.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return machine;
    }

    /** The machine's one-minute load average (the whole machine, other work included). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String summary(Map<String, Object> machine) {
        return machine.get("cpuModel") + ", " + machine.get("availableProcessors") + " cores, " + machine.get("memTotal")
                + ", " + machine.get("os") + ", " + machine.get("jdk") + ", max heap " + machine.get("maxHeapMiB")
                + " MiB";
    }

    private static String git(String... arguments) {
        try {
            Process git = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("git"),
                    java.util.Arrays.stream(arguments)).toList())
                    .directory(new java.io.File(System.getProperty("benchmarks.root", "."))).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int separator = line.indexOf(line.contains("=") && !line.contains(":") ? '=' : ':');
                if (separator > 0 && line.substring(0, separator).strip().equals(key)) {
                    return line.substring(separator + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }
}
