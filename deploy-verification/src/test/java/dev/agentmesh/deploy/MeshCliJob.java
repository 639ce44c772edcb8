package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * mesh-cli run the way a Job of k8s/ops runs it: its own JVM with the tool's main class, the Job container's env
 * (the bootstrap servers pointed at the test broker, {@code MESH_KAFKA_CONFIG} at a copy of the mounted ConfigMap's
 * file, the user Secret's {@code sasl.jaas.config} where the Job puts it) and the command as arguments.
 */
final class MeshCliJob {

    record Result(int exitCode, String out, String err) {
    }

    private final Map<String, String> environment;

    private MeshCliJob(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * @param job a Job of k8s/ops
     * @param manifests the render holding the ConfigMap the Job mounts
     * @param jaasConfig what the Secret the Job names holds under sasl.jaas.config
     */
    static MeshCliJob of(Job job, Manifests manifests, String bootstrapServers, String jaasConfig) {
        Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Map<String, String> environment = new HashMap<>();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                environment.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null
                    && "sasl.jaas.config".equals(variable.getValueFrom().getSecretKeyRef().getKey())) {
                environment.put(variable.getName(), jaasConfig);
            }
        }
        environment.remove("JAVA_TOOL_OPTIONS");
        environment.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        String mounted = environment.get("MESH_KAFKA_CONFIG");
        environment.put("MESH_KAFKA_CONFIG", copyOfMountedFile(job, container, manifests, mounted).toString());
        return new MeshCliJob(environment);
    }

    private static Path copyOfMountedFile(Job job, Container container, Manifests manifests, String mountedFile) {
        Path file = Path.of(mountedFile);
        var mount = container.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath())).findFirst()
                .orElseThrow(() -> new IllegalStateException("MESH_KAFKA_CONFIG " + mountedFile + " is on no volume mount"));
        var volume = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        ConfigMap configMap = manifests.named(ConfigMap.class, volume.getConfigMap().getName()).orElseThrow(() ->
                new IllegalStateException("the Job mounts ConfigMap " + volume.getConfigMap().getName() + ", which the render lacks"));
        String key = Path.of(mount.getMountPath()).relativize(file).toString();
        String content = configMap.getData().get(key);
        if (content == null) {
            throw new IllegalStateException("ConfigMap " + configMap.getMetadata().getName() + " has no key " + key);
        }
        try {
            Path copy = Files.createTempFile("mesh-cli-client", ".properties");
            Files.writeString(copy, content, StandardCharsets.UTF_8);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=mesh-cli-logback.xml", "-cp", System.getProperty("java.class.path"), "dev.agentmesh.cli.MeshCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("KAFKA_") || name.startsWith("MESH_"));
        builder.environment().putAll(environment);
        try {
            Path out = Files.createTempFile("mesh-cli", ".out");
            Path err = Files.createTempFile("mesh-cli", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("mesh " + String.join(" ", args) + " did not end within 120 s");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
