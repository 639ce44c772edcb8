package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pod gets to live and die with: a grace period that covers its shutdown (for the gateway: draining its
 * sessions), memory the JVM cannot outgrow, a CPU count the JVM sizes its threads by, and a spread over nodes and
 * zones for pods and KRaft nodes alike.
 */
class PodBudgetsTests {

    /** Spring Boot's default spring.lifecycle.timeout-per-shutdown-phase. */
    static final Duration DEFAULT_SHUTDOWN_PHASE = Duration.ofSeconds(30);
    /** Between the shutdown phase's end and SIGKILL: closing Kafka clients and the JVM's own exit. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);
    /**
     * Memory a Spring Boot service with Kafka clients needs outside the Java heap: metaspace (about 100 MiB), code cache,
     * thread stacks, GC structures and direct buffers (Kafka's network buffers, WebSocket frames). Below this the
     * container is OOM-killed while the heap still looks fine.
     */
    static final long MIN_NON_HEAP_MIB = 256;

    static final Pattern MAX_RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)");
    static final Pattern XMX = Pattern.compile("-Xmx([0-9]+)([kKmMgG])");
    static final Pattern ACTIVE_PROCESSORS = Pattern.compile("-XX:ActiveProcessorCount=([0-9]+)");

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGracePeriodCoversPreStopAndTheShutdownPhase(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : Manifests.of(overlay).workloads()) {
            PodSpec pod = workload.pod();
            Container container = workload.container();
            Duration needed = preStop(container).plus(shutdownPhase(workload)).plus(SHUTDOWN_MARGIN);
            if (grace(pod).compareTo(needed) < 0) {
                problems.add(workload.name() + ": terminationGracePeriodSeconds " + grace(pod).toSeconds()
                        + " < preStop " + preStop(container).toSeconds() + " s + shutdown phase "
                        + shutdownPhase(workload).toSeconds() + " s + " + SHUTDOWN_MARGIN.toSeconds() + " s");
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * The gateway's sessions last up to its maximum session duration, longer than any sensible grace period, so it must
     * drain: within the shutdown phase it stops taking sessions, tells clients to reconnect and waits at most its drain
     * timeout; the pod's grace period must let that finish before the kubelet kills it.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewaysDrainFitsItsShutdownPhaseAndGracePeriod(String overlay) {
        PodSpec pod = Manifests.of(overlay).workload("gateway").orElseThrow().pod();
        ServiceSettings settings = ServiceSettings.of(pod.getContainers().getFirst(), "gateway");
        Duration sessions = settings.duration("gateway.access.max-session-duration").orElseThrow();
        Optional<Duration> drain = settings.duration("gateway.drain.timeout");
        assertThat(drain).as("gateway.drain.timeout (GATEWAY_DRAIN_TIMEOUT) in %s: sessions last up to %s, so a stopping"
                + " gateway must drain them within a bounded time", overlay, sessions).isPresent();
        Duration phase = shutdownPhase(Manifests.of(overlay).workload("gateway").orElseThrow());
        assertThat(drain.get().plus(SHUTDOWN_MARGIN)).as("drain + %s must fit the shutdown phase %s in %s", SHUTDOWN_MARGIN,
                phase, overlay).isLessThanOrEqualTo(phase);
        assertThat(grace(pod)).as("grace period of the gateway in %s", overlay)
                .isGreaterThanOrEqualTo(preStop(pod.getContainers().getFirst()).plus(phase).plus(SHUTDOWN_MARGIN));
        assertThat(drain.get()).as("drain timeout vs session length in %s", overlay).isLessThan(sessions);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void memoryIsReservedAndLeavesRoomOutsideTheHeap(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : Manifests.of(overlay).workloads()) {
            for (Container container : workload.pod().getContainers()) {
                String where = workload.name() + "/" + container.getName();
                Map<String, Quantity> requests = container.getResources().getRequests();
                Map<String, Quantity> limits = container.getResources().getLimits();
                Quantity limit = limits == null ? null : limits.get("memory");
                if (limit == null) {
                    problems.add(where + ": no memory limit");
                    continue;
                }
                long limitMib = mib(limit);
                if (requests == null || requests.get("memory") == null || mib(requests.get("memory")) != limitMib) {
                    problems.add(where + ": memory request " + (requests == null ? null : requests.get("memory"))
                            + " != limit " + limit + ": the node may promise the difference to others and evict this pod");
                }
                String options = env(container, "JAVA_TOOL_OPTIONS").orElse("");
                Optional<Long> heapMib = heapMib(options, limitMib);
                if (heapMib.isEmpty()) {
                    problems.add(where + ": JAVA_TOOL_OPTIONS sets neither -XX:MaxRAMPercentage nor -Xmx: " + options);
                } else if (limitMib - heapMib.get() < MIN_NON_HEAP_MIB) {
                    problems.add(where + ": heap " + heapMib.get() + " MiB of a " + limitMib + " MiB limit leaves "
                            + (limitMib - heapMib.get()) + " MiB outside the heap, less than " + MIN_NON_HEAP_MIB + " MiB");
                }
                boolean cpuLimit = limits.get("cpu") != null;
                if (!ACTIVE_PROCESSORS.matcher(options).find() && !cpuLimit) {
                    problems.add(where + ": no CPU limit and no -XX:ActiveProcessorCount, so the JVM sizes GC and pools"
                            + " by the node's cores");
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsAndKraftNodesSpreadOverNodesAndZones(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            Map<String, String> labels = workload.podLabels();
            List<TopologySpreadConstraint> constraints = workload.pod().getTopologySpreadConstraints();
            for (String key : List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone")) {
                if (constraints.stream().noneMatch(c -> key.equals(c.getTopologyKey())
                        && Manifests.selects(c.getLabelSelector(), labels))) {
                    problems.add(workload + ": no topology spread over " + key
                            + " selecting its own pods");
                }
            }
        }
        for (KafkaNodePool pool : manifests.all(KafkaNodePool.class)) {
            if (pool.getSpec().getReplicas() < 2) {
                continue;
            }
            Map<String, String> labels = Map.of("strimzi.io/cluster", pool.getMetadata().getLabels().get("strimzi.io/cluster"),
                    "strimzi.io/pool-name", pool.getMetadata().getName());
            List<TopologySpreadConstraint> constraints = pool.getSpec().getTemplate() == null
                    || pool.getSpec().getTemplate().getPod() == null ? List.of()
                    : pool.getSpec().getTemplate().getPod().getTopologySpreadConstraints();
            boolean hosts = constraints.stream().anyMatch(c -> "kubernetes.io/hostname".equals(c.getTopologyKey())
                    && "DoNotSchedule".equals(c.getWhenUnsatisfiable()) && Manifests.selects(c.getLabelSelector(), labels));
            boolean zones = constraints.stream().anyMatch(c -> "topology.kubernetes.io/zone".equals(c.getTopologyKey())
                    && Manifests.selects(c.getLabelSelector(), labels));
            if (!hosts) {
                problems.add("KafkaNodePool " + pool.getMetadata().getName() + ": " + pool.getSpec().getReplicas()
                        + " KRaft nodes without a hard (DoNotSchedule) spread over hosts selecting " + labels);
            }
            if (!zones) {
                problems.add("KafkaNodePool " + pool.getMetadata().getName() + ": no spread over zones selecting " + labels);
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    static Duration shutdownPhase(Manifests.Workload workload) {
        return ServiceSettings.of(workload.container(), workload.name()).duration("spring.lifecycle.timeout-per-shutdown-phase")
                .orElse(DEFAULT_SHUTDOWN_PHASE);
    }

    static Duration preStop(Container container) {
        return container.getLifecycle() == null || container.getLifecycle().getPreStop() == null
                || container.getLifecycle().getPreStop().getSleep() == null ? Duration.ZERO
                : Duration.ofSeconds(container.getLifecycle().getPreStop().getSleep().getSeconds());
    }

    static Duration grace(PodSpec pod) {
        return Duration.ofSeconds(pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds());
    }

    static Optional<String> env(Container container, String name) {
        return container.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst();
    }

    static Optional<Long> heapMib(String options, long limitMib) {
        Matcher xmx = XMX.matcher(options);
        if (xmx.find()) {
            long value = Long.parseLong(xmx.group(1));
            return Optional.of(switch (xmx.group(2).toLowerCase()) {
                case "k" -> value / 1024;
                case "g" -> value * 1024;
                default -> value;
            });
        }
        Matcher percentage = MAX_RAM_PERCENTAGE.matcher(options);
        return percentage.find() ? Optional.of((long) (limitMib * Double.parseDouble(percentage.group(1)) / 100)) : Optional.empty();
    }

    static long mib(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).divide(BigDecimal.valueOf(1024 * 1024)).longValue();
    }
}
