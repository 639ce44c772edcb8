package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Whether a connection is allowed by a render's NetworkPolicies, as Kubernetes decides it: a pod selected by no
 * policy of a direction is open in that direction; once selected, a connection passes only if some rule of some
 * selecting policy admits the peer and the port (named ports resolve on the destination pod). Ingress is decided on
 * the destination, egress on the source; a source outside the render's namespace (Prometheus, the internet) is not
 * ours to restrict, so only the destination's ingress applies to it.
 */
final class NetworkReach {

    /**
     * Who opens a connection.
     *
     * @param namespace the source pod's namespace; null for an address outside the cluster
     * @param podLabels the source pod's labels; null for an address outside the cluster
     */
    record Source(String name, String namespace, Map<String, String> podLabels) {

        static Source podIn(String namespace, Map<String, String> podLabels) {
            return new Source(namespace + "/" + podLabels, namespace, podLabels);
        }

        static Source internet() {
            return new Source("the internet", null, null);
        }
    }

    private final List<NetworkPolicy> policies;
    private final String namespace;

    NetworkReach(Manifests manifests) {
        this.policies = manifests.all(NetworkPolicy.class);
        this.namespace = policies.stream().map(p -> p.getMetadata().getNamespace()).filter(Objects::nonNull).findFirst()
                .orElse("default");
    }

    /** A pod of one of the render's workloads, in the render's namespace. */
    Source pod(Manifests.Workload workload) {
        return new Source(workload.name(), namespace, workload.podLabels());
    }

    /** Whether {@code source} may open TCP {@code port} on {@code target}'s pods. */
    boolean allows(Source source, Manifests.Workload target, int port) {
        Container container = target.container();
        boolean ingress = direction("Ingress", target.podLabels(), policy -> policy.getSpec().getIngress().stream()
                .anyMatch(rule -> peers(rule.getFrom(), source) && ports(rule.getPorts(), port, container)));
        if (!ingress || !namespace.equals(source.namespace())) {
            return ingress;
        }
        Source destination = pod(target);
        return direction("Egress", source.podLabels(), policy -> policy.getSpec().getEgress().stream()
                .anyMatch(rule -> peers(rule.getTo(), destination) && ports(rule.getPorts(), port, container)));
    }

    private boolean direction(String type, Map<String, String> pod, Predicate<NetworkPolicy> admits) {
        List<NetworkPolicy> selecting = policies.stream().filter(p -> p.getSpec().getPolicyTypes().contains(type)
                && (Manifests.isEmpty(p.getSpec().getPodSelector()) || Manifests.selects(p.getSpec().getPodSelector(), pod)))
                .toList();
        return selecting.isEmpty() || selecting.stream().anyMatch(admits);
    }

    /** An empty peer list admits everyone. */
    private boolean peers(List<NetworkPolicyPeer> peers, Source source) {
        return peers.isEmpty() || peers.stream().anyMatch(peer -> admits(peer, source));
    }

    private boolean admits(NetworkPolicyPeer peer, Source source) {
        if (peer.getIpBlock() != null) {
            // Pods' addresses are private; a block that leaves out the private ranges admits only the outside world.
            List<String> except = peer.getIpBlock().getExcept();
            boolean privateExcluded = except != null
                    && except.containsAll(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"));
            return source.podLabels() == null || !privateExcluded;
        }
        if (source.podLabels() == null) {
            return false;
        }
        boolean inNamespace = peer.getNamespaceSelector() == null ? namespace.equals(source.namespace())
                : Manifests.isEmpty(peer.getNamespaceSelector()) || Manifests.selects(peer.getNamespaceSelector(),
                        Map.of("kubernetes.io/metadata.name", source.namespace()));
        boolean pod = peer.getPodSelector() == null || Manifests.isEmpty(peer.getPodSelector())
                || Manifests.selects(peer.getPodSelector(), source.podLabels());
        return inNamespace && pod;
    }

    /** An empty port list, or a rule port without a number, admits every TCP port. */
    private static boolean ports(List<NetworkPolicyPort> ports, int port, Container destination) {
        return ports.isEmpty() || ports.stream().anyMatch(rule -> !"UDP".equals(rule.getProtocol())
                && !"SCTP".equals(rule.getProtocol()) && covers(rule, port, destination));
    }

    private static boolean covers(NetworkPolicyPort rule, int port, Container destination) {
        if (rule.getPort() == null) {
            return true;
        }
        if (rule.getEndPort() != null && rule.getPort().getIntVal() != null) {
            return rule.getPort().getIntVal() <= port && port <= rule.getEndPort();
        }
        return ExposureTests.containerPort(destination, rule.getPort()) == port;
    }
}
