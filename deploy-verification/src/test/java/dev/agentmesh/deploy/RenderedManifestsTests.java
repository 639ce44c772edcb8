package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import dev.agentmesh.events.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders every overlay with kubectl kustomize and checks what a cluster would only reveal at run time: typos the
 * API server would drop, scalers that watch the wrong group or topic, selectors that select nothing, containers
 * without probes, limits or a locked-down security context, and ACLs that do not fit what a service uses.
 * Each check collects every problem of an overlay and fails listing them.
 */
class RenderedManifestsTests {

    static final String MEMORY_STORE = "memory-store";
    static final Set<String> GENERIC_KINDS = Set.of("ScaledObject", "TriggerAuthentication");
    static final Set<String> SCALED_OBJECT_SPEC = Set.of("scaleTargetRef", "minReplicaCount", "maxReplicaCount",
            "pollingInterval", "cooldownPeriod", "idleReplicaCount", "initialCooldownPeriod", "advanced", "fallback",
            "triggers");
    static final Set<String> TRIGGER_FIELDS = Set.of("type", "metadata", "authenticationRef", "name", "metricType",
            "useCachedMetrics");
    static final Set<String> KAFKA_TRIGGER_METADATA = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions", "partitionLimitation", "sasl", "tls", "unsafeSsl", "version");

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDocumentIsAKnownKindWithoutUnknownFields(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>(manifests.unknownFields());
        for (GenericKubernetesResource generic : manifests.all(GenericKubernetesResource.class)) {
            if (!GENERIC_KINDS.contains(generic.getKind())) {
                problems.add(generic.getApiVersion() + " " + generic.getKind() + "/" + generic.getMetadata().getName()
                        + " has no typed model (Strimzi resources must be kafka.strimzi.io/v1)");
            }
        }
        for (HasMetadata resource : manifests.resources()) {
            // Strimzi 1.x serves kafka.strimzi.io/v1 only; v1beta2 and older are gone from its CRDs.
            if (resource.getApiVersion().startsWith("kafka.strimzi.io/") && !resource.getApiVersion().equals("kafka.strimzi.io/v1")) {
                problems.add(name(resource) + ": " + resource.getApiVersion() + ", but Strimzi 1.x accepts only kafka.strimzi.io/v1");
            }
        }
        for (GenericKubernetesResource scaled : manifests.generic("ScaledObject")) {
            Map<String, Object> spec = spec(scaled);
            unknownKeys(problems, scaled, "spec", spec, SCALED_OBJECT_SPEC);
            for (Map<String, Object> trigger : triggers(scaled)) {
                unknownKeys(problems, scaled, "trigger", trigger, TRIGGER_FIELDS);
                Map<String, Object> metadata = map(trigger.get("metadata"));
                if ("kafka".equals(trigger.get("type"))) {
                    unknownKeys(problems, scaled, "kafka trigger metadata", metadata, KAFKA_TRIGGER_METADATA);
                }
                metadata.forEach((key, value) -> {
                    if (!(value instanceof String)) {
                        problems.add(name(scaled) + ": trigger metadata " + key + " must be a string, is " + value);
                    }
                });
            }
        }
        assertThat(manifests.resources()).isNotEmpty();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachScaledObjectWatchesTheGroupAndTopicItsServiceReallyConsumes(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        // KEDA's scalers run in the operator's own namespace, so the broker must be named as seen from there:
        // <cluster>-kafka-bootstrap.<the Kafka's namespace>.svc on one of its listener ports.
        Set<String> kafkaBootstraps = new HashSet<>();
        for (Kafka kafka : manifests.all(Kafka.class)) {
            for (var listener : kafka.getSpec().getKafka().getListeners()) {
                String host = kafka.getMetadata().getName() + "-kafka-bootstrap." + kafka.getMetadata().getNamespace() + ".svc";
                kafkaBootstraps.add(host + ":" + listener.getPort());
                kafkaBootstraps.add(host + ".cluster.local:" + listener.getPort());
            }
        }
        Set<String> scaledDeployments = new HashSet<>();
        for (GenericKubernetesResource scaled : manifests.generic("ScaledObject")) {
            Map<String, Object> target = map(spec(scaled).get("scaleTargetRef"));
            String targetName = (String) target.get("name");
            scaledDeployments.add(targetName);
            Optional<Deployment> deployment = manifests.named(Deployment.class, Objects.toString(targetName, ""));
            if (deployment.isEmpty() || !"Deployment".equals(target.getOrDefault("kind", "Deployment"))) {
                problems.add(name(scaled) + ": scaleTargetRef " + target + " is not a Deployment in this render");
                continue;
            }
            if (deployment.get().getSpec().getReplicas() != null) {
                problems.add("Deployment " + targetName + " sets replicas although KEDA scales it");
            }
            Optional<ServiceConsumption> consumption = ServiceConsumption.of(targetName);
            if (consumption.isEmpty()) {
                problems.add(name(scaled) + ": module " + targetName + " consumes no topic with a consumer group");
                continue;
            }
            int maxReplicas = ((Number) spec(scaled).getOrDefault("maxReplicaCount", 100)).intValue();
            for (Map<String, Object> trigger : triggers(scaled)) {
                if (!"kafka".equals(trigger.get("type"))) {
                    continue;
                }
                Map<String, Object> metadata = map(trigger.get("metadata"));
                String group = (String) metadata.get("consumerGroup");
                String topic = (String) metadata.get("topic");
                if (!consumption.get().group().equals(group)) {
                    problems.add(name(scaled) + ": consumerGroup " + group + " but " + targetName + " consumes as "
                            + consumption.get().group());
                }
                if (!consumption.get().topics().contains(topic)) {
                    problems.add(name(scaled) + ": topic " + topic + " but " + targetName + "'s group reads "
                            + consumption.get().topics());
                }
                if ("true".equals(metadata.get("allowIdleConsumers"))) {
                    problems.add(name(scaled) + ": allowIdleConsumers lets replicas exceed partitions");
                }
                for (String bootstrap : Objects.toString(metadata.get("bootstrapServers"), "").split(",")) {
                    if (!kafkaBootstraps.contains(bootstrap.strip())) {
                        problems.add(name(scaled) + ": bootstrapServers " + bootstrap + " does not resolve from KEDA's"
                                + " namespace to a listener of this render's Kafka; use one of " + kafkaBootstraps);
                    }
                }
                Optional<KafkaTopic> kafkaTopic = manifests.topic(Objects.toString(topic, ""));
                if (kafkaTopic.isEmpty()) {
                    problems.add(name(scaled) + ": no KafkaTopic " + topic);
                    continue;
                }
                int partitions = kafkaTopic.get().getSpec().getPartitions();
                if (maxReplicas > partitions) {
                    problems.add(name(scaled) + ": maxReplicaCount " + maxReplicas + " > " + partitions
                            + " partitions of " + topic);
                }
                int consumers = maxReplicas * consumption.get().threadsPerReplica();
                if (consumers > partitions) {
                    problems.add(name(scaled) + ": " + maxReplicas + " replicas x " + consumption.get().threadsPerReplica()
                            + " threads = " + consumers + " consumers for " + partitions + " partitions of " + topic);
                }
            }
        }
        for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
            String target = hpa.getSpec().getScaleTargetRef().getName();
            if (scaledDeployments.contains(target)) {
                problems.add("HPA " + hpa.getMetadata().getName() + " and a ScaledObject both scale " + target);
            }
            String kind = hpa.getSpec().getScaleTargetRef().getKind();
            Optional<Manifests.Workload> workload = manifests.workload(target).filter(w -> w.kind().equals(kind));
            if (workload.isEmpty()) {
                problems.add("HPA " + hpa.getMetadata().getName() + " targets missing " + kind + " " + target);
            } else if (workload.get().replicas() != null) {
                problems.add(workload.get() + " sets replicas although an HPA scales it");
            }
        }
        for (Deployment deployment : manifests.all(Deployment.class)) {
            String service = deployment.getMetadata().getName();
            if (ServiceConsumption.of(service).isPresent() && !scaledDeployments.contains(service)) {
                problems.add(service + " consumes with a group but no ScaledObject scales it on lag");
            }
        }
        // A StatefulSet (memory-store) keeps state per instance: it runs a fixed scale, set by hand, since every added
        // instance moves tasks and their stores; that scale must not exceed what its group can use.
        for (StatefulSet stateful : manifests.all(StatefulSet.class)) {
            String service = stateful.getMetadata().getName();
            Optional<ServiceConsumption> consumption = ServiceConsumption.of(service);
            if (consumption.isEmpty()) {
                continue;
            }
            Integer replicas = stateful.getSpec().getReplicas();
            if (replicas == null) {
                problems.add("StatefulSet " + service + ": no replicas, so it runs one instance");
                continue;
            }
            for (String topic : consumption.get().topics()) {
                Optional<KafkaTopic> kafkaTopic = manifests.topic(topic);
                if (kafkaTopic.isEmpty()) {
                    problems.add("StatefulSet " + service + ": no KafkaTopic " + topic);
                    continue;
                }
                int partitions = kafkaTopic.get().getSpec().getPartitions();
                int consumers = replicas * consumption.get().threadsPerReplica();
                if (consumers > partitions) {
                    problems.add("StatefulSet " + service + ": " + replicas + " replicas x " + consumption.get().threadsPerReplica()
                            + " threads = " + consumers + " consumers for " + partitions + " partitions of " + topic);
                }
            }
        }
        assertThat(manifests.generic("ScaledObject")).as("ScaledObjects in %s", overlay).isNotEmpty();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void selectorsMatchThePodsTheyAreMeantFor(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<Map<String, String>> pods = manifests.podLabels();
        Set<String> kafkaClusters = new HashSet<>();
        manifests.all(Kafka.class).forEach(k -> kafkaClusters.add(k.getMetadata().getName()));
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            Map<String, String> labels = workload.podLabels();
            if (!Manifests.selects(workload.selector(), labels)) {
                problems.add(workload + ": selector does not match its own pod template");
            }
            if (manifests.all(PodDisruptionBudget.class).stream()
                    .noneMatch(pdb -> Manifests.selects(pdb.getSpec().getSelector(), labels))) {
                problems.add(workload + ": no PodDisruptionBudget selects its pods");
            }
            if (manifests.all(Service.class).stream()
                    .noneMatch(s -> Manifests.selects(s.getSpec().getSelector(), labels))) {
                problems.add(workload + ": no Service selects its pods");
            }
        }
        for (StatefulSet stateful : manifests.all(StatefulSet.class)) {
            String governing = stateful.getSpec().getServiceName();
            if (governing != null && manifests.named(Service.class, governing).isEmpty()) {
                problems.add("StatefulSet " + stateful.getMetadata().getName() + ": serviceName " + governing
                        + " is no Service of this render");
            }
        }
        for (Service service : manifests.all(Service.class)) {
            List<Map<String, String>> selected = pods.stream()
                    .filter(p -> Manifests.selects(service.getSpec().getSelector(), p)).toList();
            if (selected.isEmpty()) {
                problems.add("Service " + service.getMetadata().getName() + ": selector " + service.getSpec().getSelector()
                        + " matches no pod");
            }
            if (manifests.all(ServiceMonitor.class).stream().noneMatch(m -> Manifests.selects(m.getSpec().getSelector(),
                    labelsOf(service)))) {
                problems.add("Service " + service.getMetadata().getName() + ": no ServiceMonitor scrapes it");
            }
        }
        for (PodDisruptionBudget pdb : manifests.all(PodDisruptionBudget.class)) {
            if (pods.stream().noneMatch(p -> Manifests.selects(pdb.getSpec().getSelector(), p))) {
                problems.add("PodDisruptionBudget " + pdb.getMetadata().getName() + ": selects no pod");
            }
            if (pdb.getSpec().getMinAvailable() != null && pdb.getSpec().getMaxUnavailable() != null) {
                problems.add("PodDisruptionBudget " + pdb.getMetadata().getName() + ": sets both minAvailable and maxUnavailable");
            }
        }
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            var selector = policy.getSpec().getPodSelector();
            boolean strimziPods = selector.getMatchLabels() != null
                    && kafkaClusters.contains(selector.getMatchLabels().get("strimzi.io/cluster"));
            if (!Manifests.isEmpty(selector) && !strimziPods
                    && pods.stream().noneMatch(p -> Manifests.selects(selector, p))) {
                problems.add("NetworkPolicy " + policy.getMetadata().getName() + ": podSelector matches no pod");
            }
        }
        for (ServiceMonitor monitor : manifests.all(ServiceMonitor.class)) {
            String name = monitor.getMetadata().getName();
            List<Service> services = manifests.all(Service.class).stream()
                    .filter(s -> Manifests.selects(monitor.getSpec().getSelector(), labelsOf(s))).toList();
            if (services.isEmpty()) {
                problems.add("ServiceMonitor " + name + ": selects no Service");
            }
            if (monitor.getMetadata().getLabels() == null || !monitor.getMetadata().getLabels().containsKey("release")) {
                problems.add("ServiceMonitor " + name + ": no release label, kube-prometheus-stack will not select it");
            }
            for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
                if (!"/actuator/prometheus".equals(endpoint.getPath())) {
                    problems.add("ServiceMonitor " + name + ": path " + endpoint.getPath());
                }
                for (Service service : services) {
                    if (service.getSpec().getPorts().stream().map(ServicePort::getName).noneMatch(endpoint.getPort()::equals)) {
                        problems.add("ServiceMonitor " + name + ": port " + endpoint.getPort() + " is not a port of Service "
                                + service.getMetadata().getName());
                    }
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerIsProbedBoundedAndLockedDown(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            PodSpec pod = workload.pod();
            PodSecurityContext podSecurity = pod.getSecurityContext();
            for (Container container : pod.getContainers()) {
                String where = workload + " container " + container.getName();
                probe(problems, where, "liveness", container.getLivenessProbe(), "/actuator/health/liveness", container);
                probe(problems, where, "readiness", container.getReadinessProbe(), "/actuator/health/readiness", container);
                var resources = container.getResources();
                if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey("cpu")
                        || !resources.getRequests().containsKey("memory") || resources.getLimits() == null
                        || !resources.getLimits().containsKey("memory")) {
                    problems.add(where + ": needs requests.cpu, requests.memory and limits.memory");
                }
                SecurityContext security = container.getSecurityContext();
                if (security == null) {
                    problems.add(where + ": no securityContext");
                    continue;
                }
                boolean nonRoot = Boolean.TRUE.equals(security.getRunAsNonRoot())
                        || (podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot()));
                String seccomp = security.getSeccompProfile() != null ? security.getSeccompProfile().getType()
                        : podSecurity != null && podSecurity.getSeccompProfile() != null
                        ? podSecurity.getSeccompProfile().getType() : null;
                if (!nonRoot) {
                    problems.add(where + ": not runAsNonRoot");
                }
                if (!"RuntimeDefault".equals(seccomp)) {
                    problems.add(where + ": seccompProfile is " + seccomp + ", not RuntimeDefault");
                }
                if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": root filesystem is writable");
                }
                if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (security.getCapabilities() == null || !security.getCapabilities().getDrop().contains("ALL")) {
                    problems.add(where + ": does not drop ALL capabilities");
                }
                boolean tmp = container.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(m.getMountPath())
                        && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null));
                if (!tmp) {
                    problems.add(where + ": no emptyDir at /tmp under a read-only root");
                }
                long preStop = container.getLifecycle() == null || container.getLifecycle().getPreStop() == null
                        || container.getLifecycle().getPreStop().getSleep() == null ? -1
                        : container.getLifecycle().getPreStop().getSleep().getSeconds();
                if (preStop < 0) {
                    problems.add(where + ": no preStop sleep, so it gets traffic while shutting down");
                } // PodBudgetsTests checks that the grace period covers preStop and the configured shutdown phase
                for (EnvVar env : container.getEnv()) {
                    if (env.getName().equals("OPENAI_API_KEY") && (env.getValue() != null || env.getValueFrom() == null
                            || env.getValueFrom().getSecretKeyRef() == null)) {
                        problems.add(where + ": OPENAI_API_KEY must come from a secretKeyRef, never a literal");
                    }
                }
            }
        }
        assertThat(manifests.all(Deployment.class)).as("Deployments in %s", overlay).isNotEmpty();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaUsersGrantWhatEachServiceUsesAndAgentsNothingMore(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Set<String> clusters = new HashSet<>();
        manifests.all(Kafka.class).forEach(k -> clusters.add(k.getMetadata().getName()));
        List<String> problems = new ArrayList<>();
        for (HasMetadata strimzi : manifests.resources()) {
            if (strimzi.getApiVersion().startsWith("kafka.strimzi.io/") && !(strimzi instanceof Kafka)) {
                String cluster = strimzi.getMetadata().getLabels() == null ? null
                        : strimzi.getMetadata().getLabels().get("strimzi.io/cluster");
                if (!clusters.contains(cluster)) {
                    problems.add(strimzi.getKind() + "/" + strimzi.getMetadata().getName() + ": strimzi.io/cluster "
                            + cluster + " is none of " + clusters);
                }
            }
        }
        for (KafkaUser user : manifests.all(KafkaUser.class)) {
            for (AclRule rule : acls(user)) {
                if (rule.getResource() instanceof AclRuleTopicResource topic
                        && topic.getPatternType() != AclResourcePatternType.PREFIX && !"*".equals(topic.getName())
                        && manifests.topic(topic.getName()).isEmpty()) {
                    problems.add("KafkaUser " + user.getMetadata().getName() + ": ACL names topic " + topic.getName()
                            + " which has no KafkaTopic");
                }
            }
        }
        for (Manifests.Workload workload : manifests.workloads()) {
            String service = workload.name();
            List<EnvVar> env = workload.container().getEnv();
            if (env.stream().noneMatch(e -> e.getName().equals("KAFKA_BOOTSTRAP_SERVERS"))) {
                continue;
            }
            Optional<String> secret = env.stream().filter(e -> e.getName().equals("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .map(e -> e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null ? null
                            : e.getValueFrom().getSecretKeyRef().getName()).filter(Objects::nonNull).findFirst();
            if (secret.isEmpty() || !secret.get().equals(service)) {
                problems.add(service + ": must log in as KafkaUser " + service + " (sasl.jaas.config from its Secret), has "
                        + secret.orElse("nothing"));
                continue;
            }
            Optional<KafkaUser> user = manifests.named(KafkaUser.class, service);
            if (user.isEmpty()) {
                problems.add(service + ": no KafkaUser " + service);
                continue;
            }
            Optional<ServiceConsumption> consumption = ServiceConsumption.of(service);
            if (consumption.isEmpty()) {
                continue;
            }
            List<AclRule> rules = acls(user.get());
            for (String topic : consumption.get().topics()) {
                if (!grants(rules, "topic", topic, StrimziAclOperation.READ)) {
                    problems.add(service + ": may not read " + topic);
                }
            }
            if (!grants(rules, "group", consumption.get().group(), StrimziAclOperation.READ)) {
                problems.add(service + ": may not use group " + consumption.get().group());
            }
            if (consumption.get().agentName() == null) {
                problems.addAll(StreamsAccess.of(service, workload.container()).missingFrom(rules));
            }
            String agent = consumption.get().agentName();
            if (agent != null) {
                // the manager must be able to hand this agent its subtasks
                List<AclRule> manager = manifests.named(KafkaUser.class, "agent-manager").map(RenderedManifestsTests::acls)
                        .orElse(List.of());
                if (!grants(manager, "topic", Topics.requestsFor(agent), StrimziAclOperation.WRITE)) {
                    problems.add("agent-manager: may not write " + Topics.requestsFor(agent) + ", so " + service + " never gets work");
                }
                String requests = Topics.requestsFor(agent);
                Set<String> readable = Set.of(requests, Topics.AGENT_REGISTRY);
                Set<String> writable = Set.of(Topics.AGENT_REPLIES, Topics.AGENT_REGISTRY, Topics.deadLetterFor(requests));
                // what the SDK writes: replies, heartbeats, and the dead letters of requests it cannot read
                for (String topic : writable) {
                    if (!grants(rules, "topic", topic, StrimziAclOperation.WRITE)) {
                        problems.add(service + ": agent may not write " + topic + ", which the agent SDK writes");
                    }
                }
                for (AclRule rule : rules) {
                    String resource = resourceName(rule);
                    boolean group = rule.getResource() instanceof AclRuleGroupResource;
                    boolean topicRule = rule.getResource() instanceof AclRuleTopicResource;
                    if (!(group || topicRule) || pattern(rule) != AclResourcePatternType.LITERAL
                            || (group && !resource.equals(consumption.get().group()))) {
                        problems.add(service + ": agent ACL on " + rule.getResource().getType() + " " + resource
                                + " goes beyond its request topic, group, replies, registry and dead letters");
                        continue;
                    }
                    for (StrimziAclOperation operation : rule.getOperations()) {
                        boolean ok = switch (operation) {
                            case DESCRIBE -> true;
                            case READ -> group || readable.contains(resource);
                            case WRITE -> topicRule && writable.contains(resource);
                            default -> false;
                        };
                        if (!ok) {
                            problems.add(service + ": agent may not " + operation + " " + resource);
                        }
                    }
                }
            }
        }
        // Control topics are written by their owners only: tasks by the gateway, replies and heartbeats by agents.
        List<AclRule> manager = manifests.named(KafkaUser.class, "agent-manager").map(RenderedManifestsTests::acls).orElse(List.of());
        for (String owned : List.of(Topics.AGENT_TASKS, Topics.AGENT_REPLIES, Topics.AGENT_REGISTRY)) {
            if (grants(manager, "topic", owned, StrimziAclOperation.WRITE)) {
                problems.add("agent-manager: may write " + owned + ", which belongs to another service");
            }
        }
        // Users' memory is written by memory-store alone: a forged command could forget or rewrite any user, a write to
        // its changelogs would change what it serves.
        for (KafkaUser user : manifests.all(KafkaUser.class)) {
            if (user.getMetadata().getName().equals(MEMORY_STORE)) {
                continue;
            }
            for (String owned : List.of(Topics.MEMORY_COMMANDS, Topics.USER_PROFILES, MEMORY_STORE + "-conversations-changelog")) {
                if (grants(acls(user), "topic", owned, StrimziAclOperation.WRITE)) {
                    problems.add(user.getMetadata().getName() + ": may write " + owned + ", which only memory-store writes");
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicTheSystemNamesHasAKafkaTopic(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> expected = new ArrayList<>(List.of(Topics.AGENT_TASKS, Topics.AGENT_REPLIES, Topics.AGENT_RESULTS,
                Topics.AGENT_REGISTRY, Topics.CONVERSATION_EVENTS, Topics.deadLetterFor(Topics.AGENT_TASKS),
                Topics.deadLetterFor(Topics.AGENT_REPLIES), Topics.deadLetterFor(Topics.AGENT_REGISTRY)));
        for (Deployment deployment : manifests.all(Deployment.class)) {
            ServiceConsumption.of(deployment.getMetadata().getName()).map(ServiceConsumption::agentName)
                    .filter(Objects::nonNull).ifPresent(agent -> {
                        expected.add(Topics.requestsFor(agent));
                        expected.add(Topics.deadLetterFor(Topics.requestsFor(agent)));
                    });
        }
        // every topic named in shared-events' Topics, and every topic a service's code declares, with the partitions
        // it declares (mesh.kafka.partitions unless literal): fewer would make its KafkaAdmin try to add partitions
        for (var field : Topics.class.getFields()) {
            if (field.getType() == String.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                try {
                    expected.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        // every topic shared-events' Topics declares, as it declares it: at least its partitions (a fixed count, or the
        // largest mesh.kafka.partitions a service runs with) and compacted exactly when declared so
        int meshPartitions = Repository.modulesWithSources().stream().filter(module -> manifests.workload(module).isPresent())
                .mapToInt(module -> meshPartitions(manifests, module)).max().orElse(1);
        for (Topics.Declaration declaration : Topics.declared()) {
            expected.add(declaration.name());
            int wanted = declaration.partitions() != null ? declaration.partitions() : meshPartitions;
            manifests.topic(declaration.name()).ifPresent(topic -> {
                if (topic.getSpec().getPartitions() < wanted) {
                    problems.add(declaration.name() + ": " + topic.getSpec().getPartitions() + " partitions, but Topics"
                            + " declares it with " + wanted);
                }
                boolean compacted = String.valueOf(config(manifests, declaration.name()).get("cleanup.policy"))
                        .contains("compact");
                if (compacted != declaration.compacted()) {
                    problems.add(declaration.name() + ": " + (compacted ? "compacted" : "not compacted") + ", but Topics"
                            + " declares it " + (declaration.compacted() ? "compacted" : "not compacted"));
                }
            });
        }
        for (String module : Repository.modulesWithSources()) {
            for (var declared : ServiceConsumption.declaredTopics(module).entrySet()) {
                expected.add(declared.getKey());
                int wanted = declared.getValue() != null ? declared.getValue() : meshPartitions(manifests, module);
                manifests.topic(declared.getKey()).map(t -> t.getSpec().getPartitions()).filter(p -> p < wanted)
                        .ifPresent(p -> problems.add(declared.getKey() + ": " + p + " partitions, but " + module
                                + " declares it with " + wanted));
            }
        }
        List<String> missing = expected.stream().distinct().filter(t -> manifests.topic(t).isEmpty()).toList();
        assertThat(missing).as("topics without a KafkaTopic in %s", overlay).isEmpty();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
        KafkaTopic registry = manifests.topic(Topics.AGENT_REGISTRY).orElseThrow();
        assertThat(registry.getSpec().getConfig()).as("agent-registry config").containsEntry("cleanup.policy", "compact");
        assertThat(manifests.topic(Topics.AGENT_TASKS).orElseThrow().getSpec().getPartitions())
                .as("agent-tasks and agent-replies are joined by key, so they need the same partitions")
                .isEqualTo(manifests.topic(Topics.AGENT_REPLIES).orElseThrow().getSpec().getPartitions())
                .as("agent-plans is read with them by task id, so it needs the same partitions")
                .isEqualTo(manifests.topic(Topics.AGENT_PLANS).orElseThrow().getSpec().getPartitions());
    }

    /**
     * memory-store applies its topic settings at start (MemoryTopology: conversation-events' retention, user-profiles'
     * compaction) while the Topic Operator applies the KafkaTopics: they must agree, or each undoes the other. Topics
     * with users' words or profile edits keep them no longer than the audit log does, so forget-me has one bound. And
     * memory-commands is merged with the turns-by-user repartition topic (mesh.kafka.partitions partitions): partition p
     * of both must hold the same users.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void memoryTopicsCarryTheStoresSettings(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Manifests.Workload store = manifests.workload(MEMORY_STORE).orElseThrow(() -> new AssertionError("no memory-store"));
        ServiceSettings settings = ServiceSettings.of(store.container(), MEMORY_STORE);
        long audit = settings.duration("memory.topics.audit-retention").orElseThrow().toMillis();
        long compactionLag = settings.duration("memory.topics.compaction-lag").orElseThrow().toMillis();
        List<String> problems = new ArrayList<>();
        Map<String, Object> events = config(manifests, Topics.CONVERSATION_EVENTS);
        if (!String.valueOf(audit).equals(String.valueOf(events.get("retention.ms")))) {
            problems.add(Topics.CONVERSATION_EVENTS + ": retention.ms " + events.get("retention.ms") + ", memory-store applies "
                    + audit + " (MEMORY_AUDIT_RETENTION)");
        }
        Map<String, Object> profiles = config(manifests, Topics.USER_PROFILES);
        if (!String.valueOf(profiles.get("cleanup.policy")).contains("compact")) {
            problems.add(Topics.USER_PROFILES + ": not compacted (cleanup.policy " + profiles.get("cleanup.policy") + ")");
        }
        if (!String.valueOf(compactionLag).equals(String.valueOf(profiles.get("max.compaction.lag.ms")))) {
            problems.add(Topics.USER_PROFILES + ": max.compaction.lag.ms " + profiles.get("max.compaction.lag.ms")
                    + ", memory-store applies " + compactionLag + " (MEMORY_COMPACTION_LAG)");
        }
        for (String userData : List.of(Topics.MEMORY_COMMANDS, Topics.deadLetterFor(Topics.CONVERSATION_EVENTS),
                Topics.deadLetterFor(Topics.MEMORY_COMMANDS))) {
            Object retention = config(manifests, userData).get("retention.ms");
            if (retention == null || Long.parseLong(retention.toString()) < 0 || Long.parseLong(retention.toString()) > audit) {
                problems.add(userData + ": retention.ms " + retention + " keeps users' data longer than the audit log's "
                        + audit);
            }
        }
        int partitions = meshPartitions(manifests, MEMORY_STORE);
        manifests.topic(Topics.MEMORY_COMMANDS).map(t -> t.getSpec().getPartitions()).filter(p -> p != partitions)
                .ifPresent(p -> problems.add(Topics.MEMORY_COMMANDS + ": " + p + " partitions, but memory-store repartitions"
                        + " turns by user into " + partitions + " (mesh.kafka.partitions)"));
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void replicationFitsTheBrokersOfTheOverlay(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        int brokers = manifests.all(KafkaNodePool.class).stream()
                .filter(pool -> pool.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(pool -> pool.getSpec().getReplicas()).sum();
        List<String> problems = new ArrayList<>();
        for (Kafka kafka : manifests.all(Kafka.class)) {
            kafka.getSpec().getKafka().getConfig().forEach((key, value) -> {
                if ((key.endsWith("replication.factor") || key.endsWith("min.isr") || key.equals("min.insync.replicas"))
                        && Integer.parseInt(value.toString()) > brokers) {
                    problems.add("Kafka " + kafka.getMetadata().getName() + ": " + key + " " + value + " > " + brokers
                            + " brokers");
                }
            });
        }
        for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
            Integer replicas = topic.getSpec().getReplicas();
            Object minInsync = topic.getSpec().getConfig() == null ? null
                    : topic.getSpec().getConfig().get("min.insync.replicas");
            if (replicas != null && replicas > brokers) {
                problems.add("KafkaTopic " + topic.getMetadata().getName() + ": replicas " + replicas + " > " + brokers
                        + " brokers");
            }
            if (replicas != null && minInsync != null && Integer.parseInt(minInsync.toString()) > replicas) {
                problems.add("KafkaTopic " + topic.getMetadata().getName() + ": min.insync.replicas " + minInsync
                        + " > replicas " + replicas + ", every write would fail");
            }
        }
        assertThat(brokers).as("broker nodes in %s", overlay).isPositive();
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theDashboardShipsAsALabelledConfigMapOfTheSourceFile(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        String source = Repository.read(Repository.path("deploy/grafana/dashboards/agent-mesh.json"));
        List<ConfigMap> dashboards = manifests.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getLabels() != null
                        && "1".equals(c.getMetadata().getLabels().get("grafana_dashboard"))).toList();
        assertThat(dashboards).as("dashboard ConfigMaps in %s", overlay)
                .anySatisfy(c -> assertThat(c.getData()).containsEntry("agent-mesh.json", source));
    }

    /**
     * The Jobs of k8s/ops run mesh-cli in an overlay's namespace: as a KafkaUser of the render whose Secret they read,
     * with a ConfigMap of the render, on a pod the Kafka listener admits; the read-only user writes nothing, the replay
     * user can put back the dead letters of every -dlt topic but memory-commands' (memory-store alone writes memory).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theOperatorsJobsLogInAsTheToolsOwnUsers(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        Map<String, String> expectedUser = Map.of("mesh-cli.yaml", "mesh-cli", "mesh-cli-replay.yaml", "mesh-cli-replay");
        expectedUser.forEach((file, userName) -> {
            var job = Manifests.parse("k8s/ops", Repository.read(Repository.path("k8s/ops/" + file)))
                    .all(io.fabric8.kubernetes.api.model.batch.v1.Job.class).getFirst();
            var pod = job.getSpec().getTemplate();
            Container container = pod.getSpec().getContainers().getFirst();
            Optional<String> secret = container.getEnv().stream()
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst();
            if (!secret.equals(Optional.of(userName)) || manifests.named(KafkaUser.class, userName).isEmpty()) {
                problems.add(file + ": must log in as KafkaUser " + userName + " of the render, reads Secret " + secret.orElse("none"));
            }
            for (var volume : pod.getSpec().getVolumes()) {
                if (volume.getConfigMap() != null && manifests.named(ConfigMap.class, volume.getConfigMap().getName()).isEmpty()) {
                    problems.add(file + ": mounts ConfigMap " + volume.getConfigMap().getName() + ", which the render lacks");
                }
            }
            if (pod.getMetadata().getLabels() == null || !"agent-mesh".equals(pod.getMetadata().getLabels().get("app.kubernetes.io/part-of"))) {
                problems.add(file + ": its pod lacks app.kubernetes.io/part-of=agent-mesh, so NetworkPolicies keep it from Kafka");
            }
        });
        List<AclRule> reader = manifests.named(KafkaUser.class, "mesh-cli").map(RenderedManifestsTests::acls).orElse(List.of());
        List<AclRule> replay = manifests.named(KafkaUser.class, "mesh-cli-replay").map(RenderedManifestsTests::acls).orElse(List.of());
        for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
            String name = Manifests.topicNameOf(topic);
            for (List<AclRule> rules : List.of(reader, replay)) {
                if (!grants(rules, "topic", name, StrimziAclOperation.READ)) {
                    problems.add((rules == reader ? "mesh-cli" : "mesh-cli-replay") + ": may not read " + name);
                }
            }
            if (grants(reader, "topic", name, StrimziAclOperation.WRITE)) {
                problems.add("mesh-cli: may write " + name + "; only mesh-cli-replay writes");
            }
            if (name.endsWith("-dlt")) {
                String original = name.substring(0, name.length() - "-dlt".length());
                boolean memory = original.equals(Topics.MEMORY_COMMANDS);
                if (grants(replay, "topic", original, StrimziAclOperation.WRITE) == memory) {
                    problems.add("mesh-cli-replay: " + (memory ? "may" : "may not") + " write " + original
                            + ", where dead letters of " + name + " go back");
                }
            }
        }
        for (List<AclRule> rules : List.of(reader, replay)) {
            if (!grants(rules, "group", "agent-manager", StrimziAclOperation.DESCRIBE)
                    || grants(rules, "group", "agent-manager", StrimziAclOperation.READ)) {
                problems.add("mesh-cli users must describe every group (lag) and join none");
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theRealtimeEmulatorRunsOnlyInDev(String overlay) {
        boolean emulator = Manifests.of(overlay).named(Deployment.class, "realtime-emulator").isPresent();
        assertThat(emulator).as("realtime-emulator in %s", overlay).isEqualTo(overlay.equals("dev"));
    }

    private static void probe(List<String> problems, String where, String kind, Probe probe, String path, Container container) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problems.add(where + ": no " + kind + " probe");
            return;
        }
        if (!path.equals(get.getPath())) {
            problems.add(where + ": " + kind + " probe on " + get.getPath() + ", not Spring Boot's " + path);
        }
        Object port = get.getPort().getIntVal() != null ? get.getPort().getIntVal() : get.getPort().getStrVal();
        boolean declared = container.getPorts().stream().map(ContainerPort.class::cast)
                .anyMatch(p -> port.equals(p.getName()) || port.equals(p.getContainerPort()));
        if (!declared) {
            problems.add(where + ": " + kind + " probe port " + port + " is not a container port");
        }
    }

    /** mesh.kafka.partitions as the module's workload would bind it (MeshKafkaProperties' default when unset). */
    static int meshPartitions(Manifests manifests, String module) {
        Optional<String> set = manifests.workload(module).flatMap(w -> ServiceSettings.of(w.container(), module)
                .string("mesh.kafka.partitions"));
        return Integer.parseInt(set.orElse(ServiceConsumption.meshDefault("partitions")));
    }

    private static Map<String, Object> config(Manifests manifests, String topic) {
        return manifests.topic(topic).map(t -> t.getSpec().getConfig()).filter(Objects::nonNull).orElse(Map.of());
    }

    static List<AclRule> acls(KafkaUser user) {
        return user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple ? simple.getAcls() : List.of();
    }

    /** Whether the rules allow the operation, as Kafka's authorizer decides: some allow rule matches, no deny rule does. */
    static boolean grants(List<AclRule> rules, String type, String name, StrimziAclOperation operation) {
        return rules.stream().anyMatch(rule -> rule.getType() != AclRuleType.DENY && matches(rule, type, name, operation))
                && rules.stream().noneMatch(rule -> rule.getType() == AclRuleType.DENY && matches(rule, type, name, operation));
    }

    private static boolean matches(AclRule rule, String type, String name, StrimziAclOperation operation) {
        return rule.getResource().getType().equals(type)
                && (pattern(rule) == AclResourcePatternType.PREFIX ? name.startsWith(resourceName(rule))
                : resourceName(rule).equals(name) || resourceName(rule).equals("*"))
                && (rule.getOperations().contains(operation) || rule.getOperations().contains(StrimziAclOperation.ALL));
    }

    private static String resourceName(AclRule rule) {
        return switch (rule.getResource()) {
            case AclRuleTopicResource topic -> topic.getName();
            case AclRuleGroupResource group -> group.getName();
            case AclRuleTransactionalIdResource id -> id.getName();
            default -> rule.getResource().getType();
        };
    }

    private static AclResourcePatternType pattern(AclRule rule) {
        return switch (rule.getResource()) {
            case AclRuleTopicResource topic -> topic.getPatternType();
            case AclRuleGroupResource group -> group.getPatternType();
            case AclRuleTransactionalIdResource id -> id.getPatternType();
            default -> AclResourcePatternType.LITERAL;
        };
    }

    private static Map<String, String> labelsOf(HasMetadata resource) {
        return resource.getMetadata().getLabels() == null ? Map.of() : resource.getMetadata().getLabels();
    }

    private static void unknownKeys(List<String> problems, HasMetadata resource, String where, Map<String, Object> map,
                                    Set<String> known) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                problems.add(name(resource) + ": unknown field " + key + " in " + where);
            }
        }
    }

    private static String name(HasMetadata resource) {
        return resource.getKind() + "/" + resource.getMetadata().getName();
    }

    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return map(resource.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> triggers(GenericKubernetesResource scaled) {
        Object triggers = spec(scaled).get("triggers");
        return triggers instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
