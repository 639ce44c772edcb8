package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling that fits the work: KEDA keeps scaling when it cannot read lag, adds replicas before queued work misses the
 * turn's deadline, and production keeps a running instance (and, for the manager, a warm copy of its state) through
 * a crash, a rollout or a node drain.
 */
class ScalingTests {

    /**
     * Time one record costs a consumer thread: a provider call (Open-Meteo, a feed, an LLM completion) or a planning
     * step. Offline it is milliseconds; against real providers about a second, the LLM planner up to its 4 s timeout.
     */
    static final Duration WORK_PER_RECORD = Duration.ofSeconds(1);

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyScaledObjectFallsBackToAFixedScaleWithinItsBounds(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (GenericKubernetesResource scaled : manifests.generic("ScaledObject")) {
            Map<?, ?> spec = (Map<?, ?>) scaled.getAdditionalProperties().get("spec");
            String name = scaled.getMetadata().getName();
            int min = number(spec.get("minReplicaCount"), 0);
            int max = number(spec.get("maxReplicaCount"), 100);
            if (!(spec.get("fallback") instanceof Map<?, ?> fallback)) {
                problems.add(name + ": no fallback, so a scaler that cannot read lag (broker or credentials down) freezes"
                        + " the scale wherever it was");
                continue;
            }
            int failures = number(fallback.get("failureThreshold"), 0);
            int replicas = number(fallback.get("replicas"), -1);
            if (failures < 1) {
                problems.add(name + ": fallback.failureThreshold must be at least 1, is " + failures);
            }
            if (replicas < Math.max(min, 1) || replicas > max) {
                problems.add(name + ": fallback.replicas " + replicas + " outside [" + Math.max(min, 1) + ", " + max + "]");
            }
        }
        assertThat(manifests.generic("ScaledObject")).isNotEmpty();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * At the lag where KEDA starts adding a replica, each replica's threads still have to work off that many records:
     * that queueing must fit in half the task deadline the gateway gives a turn, or turns are late before any
     * scaling happens.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void lagAtTheScaleUpThresholdDrainsWellInsideTheTaskDeadline(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Duration deadline = ServiceSettings.of(manifests.workload("gateway").orElseThrow().container(), "gateway")
                .duration("gateway.tasks.deadline").orElseThrow(() -> new AssertionError("gateway.tasks.deadline not set"));
        List<String> problems = new ArrayList<>();
        for (GenericKubernetesResource scaled : manifests.generic("ScaledObject")) {
            Map<?, ?> spec = (Map<?, ?>) scaled.getAdditionalProperties().get("spec");
            String target = (String) ((Map<?, ?>) spec.get("scaleTargetRef")).get("name");
            Optional<ServiceConsumption> consumption = ServiceConsumption.of(target);
            if (consumption.isEmpty()) {
                continue; // RenderedManifestsTests reports a scaler on a service without a consumer group
            }
            for (Object trigger : (List<?>) spec.get("triggers")) {
                Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) trigger).get("metadata");
                int lagThreshold = Integer.parseInt(String.valueOf(metadata.get("lagThreshold")));
                Duration queueing = WORK_PER_RECORD.multipliedBy(lagThreshold).dividedBy(consumption.get().threadsPerReplica());
                if (queueing.compareTo(deadline.dividedBy(2)) > 0) {
                    problems.add(scaled.getMetadata().getName() + ": lagThreshold " + lagThreshold + " over "
                            + consumption.get().threadsPerReplica() + " threads is " + queueing.toMillis() + " ms of queued work"
                            + " at " + WORK_PER_RECORD.toMillis() + " ms a record, more than half the " + deadline.toMillis()
                            + " ms task deadline");
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * Each gateway pod reads one partition of agent-results, the one its task names: the gateway is a StatefulSet (a
     * stable ordinal per pod, never two pods with one ordinal), each pod's GATEWAY_REPLY_PARTITION is its pod index
     * (or unset, so the gateway takes the ordinal from its HOSTNAME), and agent-results has a partition for every pod
     * the gateway can scale to.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyGatewayPodHasAPartitionOfAgentResultsOfItsOwn(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Manifests.Workload gateway = manifests.workload("gateway").orElseThrow();
        assertThat(gateway.kind()).as("the gateway's kind in %s", overlay).isEqualTo("StatefulSet");
        var partitionVariable = gateway.container().getEnv().stream()
                .filter(variable -> variable.getName().equals("GATEWAY_REPLY_PARTITION")).findFirst();
        partitionVariable.ifPresent(variable -> assertThat(variable.getValueFrom() == null ? null
                : variable.getValueFrom().getFieldRef().getFieldPath())
                .as("GATEWAY_REPLY_PARTITION in %s", overlay)
                .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']"));
        int maxReplicas = manifests.all(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)
                .stream().filter(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals("gateway"))
                .mapToInt(hpa -> hpa.getSpec().getMaxReplicas()).max()
                .orElse(gateway.replicas() == null ? 1 : gateway.replicas());
        int partitions = manifests.topic(dev.agentmesh.events.Topics.AGENT_RESULTS).orElseThrow().getSpec().getPartitions();
        assertThat(partitions).as("partitions of agent-results in %s for up to %d gateway pods", overlay, maxReplicas)
                .isGreaterThanOrEqualTo(maxReplicas);
    }

    /**
     * In production every workload (Deployment, StatefulSet) runs at least two pods, and its PodDisruptionBudget lets a drain evict one
     * (never blocks it) while leaving one running. A single replica behind {@code maxUnavailable: 1} is an outage on
     * every node drain.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void productionKeepsARunningPodThroughAnyOneDisruption(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            String name = workload.name();
            int min = manifests.minimumReplicas(workload);
            Map<String, String> labels = workload.podLabels();
            List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class).stream()
                    .filter(pdb -> Manifests.selects(pdb.getSpec().getSelector(), labels)).toList();
            for (PodDisruptionBudget pdb : budgets) {
                int allowed = allowedDisruptions(pdb, min);
                if (allowed < 1) {
                    problems.add(name + ": PodDisruptionBudget " + pdb.getMetadata().getName() + " blocks every node drain at "
                            + min + " replica(s)");
                }
                if (manifests.production() && min - allowed < 1) {
                    problems.add(name + ": at its minimum of " + min + " replica(s) PodDisruptionBudget "
                            + pdb.getMetadata().getName() + " lets a drain evict every pod");
                }
            }
            if (manifests.production() && min < 2) {
                problems.add(name + ": minimum " + min + " replica(s); production needs two so one survives a crash or drain");
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * Kafka Streams state (the manager's aggregation store, memory-store's users) is rebuilt from changelogs when its
     * tasks move: production keeps a standby copy on another instance of every Streams service, so a stopped instance's
     * tasks resume at once, and runs more instances than standbys so the copies have somewhere to live.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void productionKeepsAWarmStandbyOfEveryStreamsServicesState(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> streamsServices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            if (!ServiceConsumption.applicationConfig(workload.name()).containsKey("spring.kafka.streams.application-id")) {
                continue;
            }
            streamsServices.add(workload.name());
            Map<String, String> streams = ServiceSettings.of(workload.container(), workload.name())
                    .map("spring.kafka.streams.properties");
            int standby = Integer.parseInt(streams.getOrDefault("num.standby.replicas", "0"));
            if (manifests.production() && standby < 1) {
                problems.add(workload.name() + ": num.standby.replicas " + standby + " (Kafka Streams properties " + streams + ")");
            }
            if (manifests.production() && manifests.minimumReplicas(workload) <= standby) {
                problems.add(workload.name() + ": " + manifests.minimumReplicas(workload) + " replica(s) cannot hold "
                        + standby + " standby copies besides the active one");
            }
        }
        assertThat(streamsServices).as("Kafka Streams services in %s", overlay).contains("agent-manager", "memory-store");
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    private static int allowedDisruptions(PodDisruptionBudget pdb, int replicas) {
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        if (maxUnavailable != null) {
            return resolve(maxUnavailable, replicas, true);
        }
        if (minAvailable != null) {
            return replicas - resolve(minAvailable, replicas, true);
        }
        return replicas;
    }

    /** A PDB value for this many replicas; percentages round up, as the disruption controller does. */
    private static int resolve(IntOrString value, int replicas, boolean roundUp) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        double percent = Double.parseDouble(value.getStrVal().replace("%", "")) / 100 * replicas;
        return (int) (roundUp ? Math.ceil(percent) : Math.floor(percent));
    }

    private static int number(Object value, int otherwise) {
        return value instanceof Number n ? n.intValue() : otherwise;
    }
}
