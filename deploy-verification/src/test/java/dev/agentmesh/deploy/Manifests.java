package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One rendered overlay as typed objects: fabric8 models for Kubernetes kinds and ServiceMonitors, Strimzi's own
 * model (kafka.strimzi.io/v1 only) for Kafka resources. KEDA kinds have no Java model and stay generic.
 */
record Manifests(String overlay, List<HasMetadata> resources) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static {
        SERIALIZATION.registerKubernetesResource(Kafka.class);
        SERIALIZATION.registerKubernetesResource(KafkaNodePool.class);
        SERIALIZATION.registerKubernetesResource(KafkaTopic.class);
        SERIALIZATION.registerKubernetesResource(KafkaUser.class);
    }

    static Manifests of(String overlay) {
        return parse(overlay, Kubectl.renderOverlay(overlay));
    }

    @SuppressWarnings("unchecked")
    static Manifests parse(String overlay, String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<HasMetadata> resources = parsed instanceof List<?> list ? (List<HasMetadata>) list
                : List.of((HasMetadata) parsed);
        return new Manifests(overlay, resources.stream().filter(r -> r != null).toList());
    }

    /**
     * An overlay that runs the realtime-emulator is a development overlay (offline mode on purpose); every other one is
     * held to production rules: required secrets, pinned images, replicas that survive a lost pod.
     */
    boolean production() {
        return named(Deployment.class, "realtime-emulator").isEmpty();
    }

    /**
     * What runs pods: a Deployment or a StatefulSet (memory-store keeps its stores on a volume per instance). Checks about
     * pods, containers, budgets and selectors go through this, so they hold for both kinds.
     *
     * @param replicas the workload's own spec.replicas, null when unset (an autoscaler owns the scale)
     */
    record Workload(HasMetadata resource, LabelSelector selector, PodTemplateSpec template, Integer replicas) {

        String name() {
            return resource.getMetadata().getName();
        }

        String kind() {
            return resource.getKind();
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }

        PodSpec pod() {
            return template.getSpec();
        }

        Container container() {
            return template.getSpec().getContainers().getFirst();
        }

        @Override
        public String toString() {
            return kind() + " " + name();
        }
    }

    /** Every Deployment and StatefulSet of the render. */
    List<Workload> workloads() {
        return Stream.concat(
                all(Deployment.class).stream().map(d -> new Workload(d, d.getSpec().getSelector(), d.getSpec().getTemplate(),
                        d.getSpec().getReplicas())),
                all(StatefulSet.class).stream().map(s -> new Workload(s, s.getSpec().getSelector(), s.getSpec().getTemplate(),
                        s.getSpec().getReplicas()))).toList();
    }

    Optional<Workload> workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The scale a workload never goes below: its ScaledObject's or HPA's minimum, else its replicas (default 1). */
    int minimumReplicas(Deployment deployment) {
        return minimumReplicas(workload(deployment.getMetadata().getName()).orElseThrow());
    }

    int minimumReplicas(Workload workload) {
        String name = workload.name();
        for (GenericKubernetesResource scaled : generic("ScaledObject")) {
            Map<?, ?> spec = (Map<?, ?>) scaled.getAdditionalProperties().get("spec");
            Map<?, ?> target = (Map<?, ?>) spec.get("scaleTargetRef");
            if (name.equals(target.get("name"))) {
                Object min = spec.get("minReplicaCount");
                return min == null ? 0 : ((Number) min).intValue();
            }
        }
        for (var hpa : all(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class)) {
            if (name.equals(hpa.getSpec().getScaleTargetRef().getName())) {
                return hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
            }
        }
        return workload.replicas() == null ? 1 : workload.replicas();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> kind.equals(r.getKind())).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }

    Optional<KafkaTopic> topic(String topicName) {
        return all(KafkaTopic.class).stream().filter(t -> topicName.equals(topicNameOf(t))).findFirst();
    }

    static String topicNameOf(KafkaTopic topic) {
        String explicit = topic.getSpec() == null ? null : topic.getSpec().getTopicName();
        return explicit != null ? explicit : topic.getMetadata().getName();
    }

    /** The pod labels of every workload (Deployment, StatefulSet) in the render. */
    List<Map<String, String>> podLabels() {
        return workloads().stream().map(Workload::podLabels).toList();
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
                && !selects(selector.getMatchLabels(), labels)) {
            return false;
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            String value = labels.get(requirement.getKey());
            boolean ok = switch (requirement.getOperator()) {
                case "In" -> value != null && requirement.getValues().contains(value);
                case "NotIn" -> value == null || !requirement.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("operator " + requirement.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean selects(Map<String, String> matchLabels, Map<String, String> labels) {
        return matchLabels != null && !matchLabels.isEmpty() && labels.entrySet().containsAll(matchLabels.entrySet());
    }

    static boolean isEmpty(LabelSelector selector) {
        return selector != null && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && selector.getMatchExpressions().isEmpty();
    }

    /**
     * Fields the typed models did not recognise, such as {@code selectorr} or {@code replica}: the models keep
     * them in {@code additionalProperties} instead of failing, so walk every getter and report them.
     */
    List<String> unknownFields() {
        List<String> errors = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (HasMetadata resource : resources) {
            if (!(resource instanceof GenericKubernetesResource)) {
                walk(resource, resource.getKind() + "/" + resource.getMetadata().getName(), errors, seen);
            }
        }
        return errors;
    }

    private static void walk(Object value, String path, List<String> errors, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", errors, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, errors, seen));
            return;
        }
        String packageName = value.getClass().getPackageName();
        if (!packageName.startsWith("io.fabric8") && !packageName.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                walk(child, path + "." + decapitalize(getter.getName().substring(3)), errors, seen);
            }
        }
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
