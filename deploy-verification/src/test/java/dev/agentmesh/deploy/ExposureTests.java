package dev.agentmesh.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the outside world reaches and what a pod depends on: only the realtime socket and the web UI are routed, with
 * timeouts that let a session live; nothing opens actuator to everyone; required secrets are required, so a
 * production pod fails to start rather than run Ready and broken; the gateway's upstream resolves from the pod; and
 * images are registry-qualified and pinned.
 */
class ExposureTests {

    static final String REALTIME_PATH = "/v1/realtime";
    static final String MEMORY_STORE = RenderedManifestsTests.MEMORY_STORE;
    /** A handler mapping with its path, if it names one: {@code @GetMapping("/x")}, {@code @PutMapping(path = "/x", …)}, {@code @DeleteMapping}. */
    static final Pattern MAPPING = Pattern.compile(
            "@(Get|Put|Post|Delete|Patch|Request)Mapping(?:\\(\\s*(?:(?:value|path)\\s*=\\s*)?(?:\"([^\"]*)\")?[^)]*\\))?");
    static final Pattern GATEWAY_API_DURATION = Pattern.compile("([0-9]+)(h|ms|m|s)");
    static final Pattern IMAGE = Pattern.compile("(?<registry>[^/]+)/(?<path>[^:@]+)(?::(?<tag>[^@]+))?(?:@(?<digest>sha256:[0-9a-f]{64}))?");
    static final Pattern RELEASE_TAG = Pattern.compile("v?[0-9]+\\.[0-9]+\\.[0-9]+");

    static List<String> overlays() {
        return Repository.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheRealtimeSocketAndTheUiAreRouted(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<HTTPRoute> routes = manifests.all(HTTPRoute.class);
        assertThat(routes).as("HTTPRoutes in %s", overlay).isNotEmpty();
        Container container = manifests.workload("gateway").orElseThrow().container();
        Duration sessions = ServiceSettings.of(container, "gateway").duration("gateway.access.max-session-duration").orElseThrow();
        int actuatorPort = actuatorPort(container);
        Set<String> routed = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (HTTPRoute route : routes) {
            for (HTTPRouteRule rule : route.getSpec().getRules()) {
                for (HTTPBackendRef backend : rule.getBackendRefs()) {
                    Optional<Service> service = manifests.named(Service.class, backend.getName());
                    Optional<ServicePort> port = service.flatMap(s -> s.getSpec().getPorts().stream()
                            .filter(p -> Objects.equals(p.getPort(), backend.getPort())).findFirst());
                    if (port.isEmpty()) {
                        problems.add(route.getMetadata().getName() + ": backend " + backend.getName() + ":" + backend.getPort()
                                + " is no Service port of this render");
                    } else if (containerPort(container, port.get().getTargetPort()) == actuatorPort) {
                        problems.add(route.getMetadata().getName() + ": backend port " + backend.getPort() + " serves actuator");
                    }
                }
                for (HTTPRouteMatch match : rule.getMatches()) {
                    String type = match.getPath() == null ? "PathPrefix" : Objects.toString(match.getPath().getType(), "PathPrefix");
                    String path = match.getPath() == null ? "/" : match.getPath().getValue();
                    // a templated endpoint (/api/me/profile/{field}) needs a prefix: only below its own fixed part
                    if (type.equals("PathPrefix") && path.length() > 1 && path.endsWith("/") && !path.startsWith("/actuator")) {
                        routed.add(path + "*");
                        continue;
                    }
                    if (!type.equals("Exact")) {
                        problems.add(route.getMetadata().getName() + ": " + type + " " + path + " routes more than the named"
                                + " paths (a prefix of / or /actuator would expose actuator)");
                    }
                    routed.add(path);
                    if (path.equals(REALTIME_PATH)) {
                        Duration timeout = rule.getTimeouts() == null || rule.getTimeouts().getRequest() == null ? Duration.ZERO
                                : gatewayApiDuration(rule.getTimeouts().getRequest());
                        if (timeout.compareTo(sessions) <= 0) {
                            problems.add(route.getMetadata().getName() + ": " + REALTIME_PATH + " request timeout " + timeout
                                    + " does not outlast a session of up to " + sessions + " (implementations' defaults are"
                                    + " seconds)");
                        }
                    }
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
        assertThat(routed).as("paths routed in %s: the realtime socket and every page, asset and endpoint of the UI,"
                + " nothing else", overlay).isEqualTo(publicPaths());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noNetworkPolicyOpensActuatorToEveryone(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            Map<String, String> labels = workload.podLabels();
            Container container = workload.container();
            int actuator = actuatorPort(container);
            for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
                if (!policy.getSpec().getPolicyTypes().contains("Ingress")
                        || !(Manifests.isEmpty(policy.getSpec().getPodSelector())
                        || Manifests.selects(policy.getSpec().getPodSelector(), labels))) {
                    continue;
                }
                for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                    if (!fromEveryone(rule)) {
                        continue;
                    }
                    boolean opensActuator = rule.getPorts().isEmpty() || rule.getPorts().stream()
                            .map(NetworkPolicyPort::getPort).anyMatch(p -> p == null || containerPort(container, p) == actuator);
                    if (opensActuator) {
                        problems.add("NetworkPolicy " + policy.getMetadata().getName() + " opens " + workload.name()
                                + "'s actuator port " + actuator + " (/actuator/prometheus, health) to every source");
                    }
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /** Development overlays run offline on purpose; everywhere else a missing Secret must stop the pod. */
    @ParameterizedTest
    @MethodSource("overlays")
    void productionRequiresEverySecretItReferences(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            for (Container container : workload.pod().getContainers()) {
                for (EnvVar env : container.getEnv()) {
                    var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
                    if (ref != null && Boolean.TRUE.equals(ref.getOptional()) && manifests.production()) {
                        problems.add(workload.name() + ": " + env.getName() + " from Secret " + ref.getName()
                                + " is optional, so without the Secret the pod starts Ready and runs without it");
                    }
                }
                container.getEnvFrom().stream().filter(from -> from.getSecretRef() != null
                        && Boolean.TRUE.equals(from.getSecretRef().getOptional()) && manifests.production())
                        .forEach(from -> problems.add(workload.name() + ": envFrom Secret "
                                + from.getSecretRef().getName() + " is optional"));
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * Without an explicit upstream and a key, the gateway falls back to the local emulator at 127.0.0.1, which no pod
     * runs: every session would fail while the pod is Ready. The upstream must be named, and reachable from the pod.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewaysUpstreamResolvesFromItsPod(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            for (Container container : workload.pod().getContainers()) {
                for (EnvVar env : container.getEnv()) {
                    if (env.getValue() != null && (env.getValue().contains("127.0.0.1") || env.getValue().contains("localhost"))) {
                        problems.add(workload.name() + ": " + env.getName() + "=" + env.getValue()
                                + " points at the pod itself");
                    }
                }
            }
        }
        Container gateway = manifests.workload("gateway").orElseThrow().container();
        Optional<String> upstream = PodBudgetsTests.env(gateway, "REALTIME_UPSTREAM_URL");
        if (upstream.isEmpty()) {
            problems.add("gateway: REALTIME_UPSTREAM_URL unset, so it depends on the optional key to pick an upstream");
        } else {
            URI uri = URI.create(upstream.get());
            boolean inCluster = !uri.getHost().contains(".");
            if (inCluster) {
                int port = uri.getPort();
                boolean served = manifests.named(Service.class, uri.getHost()).stream()
                        .flatMap(s -> s.getSpec().getPorts().stream()).anyMatch(p -> p.getPort() == port);
                if (!served || manifests.production()) {
                    problems.add("gateway: upstream " + uri + (served ? " is an in-cluster emulator in a production overlay"
                            : " is no Service port of this render"));
                }
            } else if (!"wss".equals(uri.getScheme())) {
                problems.add("gateway: external upstream " + uri + " is not TLS");
            } else if (gateway.getEnv().stream().noneMatch(e -> e.getName().equals("OPENAI_API_KEY") && e.getValueFrom() != null
                    && e.getValueFrom().getSecretKeyRef() != null && !Boolean.TRUE.equals(e.getValueFrom().getSecretKeyRef().getOptional()))) {
                problems.add("gateway: external upstream " + uri + " without a required OPENAI_API_KEY");
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void imagesAreRegistryQualifiedAndProductionPinsThem(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads()) {
            for (Container container : workload.pod().getContainers()) {
                String image = container.getImage();
                Matcher m = IMAGE.matcher(image);
                String where = workload.name() + ": image " + image;
                if (!m.matches() || !(m.group("registry").contains(".") || m.group("registry").contains(":")
                        || m.group("registry").equals("localhost"))) {
                    problems.add(where + " is not registry-qualified (registry.host/path:tag), so the node's default"
                            + " registry decides what runs");
                    continue;
                }
                String tag = m.group("tag");
                String digest = m.group("digest");
                if (tag == null && digest == null || "latest".equals(tag)) {
                    problems.add(where + " runs whatever latest is at pull time");
                } else if (manifests.production() && digest == null && !RELEASE_TAG.matcher(tag).matches()) {
                    problems.add(where + " is neither a digest nor a release tag (x.y.z) in a production overlay");
                }
            }
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * memory-store's API trusts the user id in its path: only the gateway (which authenticated the user) and
     * memory-store's own pods (the hop to the instance that owns a user) may open its port, as the render's
     * NetworkPolicies decide it, and both really can (default-deny covers egress too). Prometheus reaches actuator on
     * the management port, which is not the API's.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void onlyTheGatewayAndMemoryStoresOwnPodsReachTheMemoryApi(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Manifests.Workload store = manifests.workload(MEMORY_STORE).orElseThrow(() -> new AssertionError("no memory-store"));
        ServiceSettings settings = ServiceSettings.of(store.container(), MEMORY_STORE);
        int api = Integer.parseInt(settings.string("server.port").orElseThrow());
        int management = settings.string("management.server.port").map(Integer::parseInt).orElse(api);
        NetworkReach reach = new NetworkReach(manifests);
        Set<String> trusted = Set.of("gateway", MEMORY_STORE);
        Map<String, String> prometheusPod = Map.of("app.kubernetes.io/name", "prometheus");
        List<NetworkReach.Source> sources = new ArrayList<>();
        manifests.workloads().forEach(w -> sources.add(reach.pod(w)));
        sources.add(NetworkReach.Source.podIn("monitoring", prometheusPod));
        sources.add(NetworkReach.Source.podIn("keda", Map.of("app", "keda-operator")));
        // a pod elsewhere that borrows the gateway's labels is not the gateway
        sources.add(NetworkReach.Source.podIn("elsewhere", Map.of("app.kubernetes.io/name", "gateway",
                "app.kubernetes.io/part-of", "agent-mesh")));
        sources.add(NetworkReach.Source.internet());
        List<String> problems = new ArrayList<>();
        for (NetworkReach.Source source : sources) {
            boolean shouldReach = source.namespace() != null && source.namespace().equals(store.resource().getMetadata().getNamespace())
                    && trusted.contains(source.podLabels().get("app.kubernetes.io/name"));
            if (reach.allows(source, store, api) != shouldReach) {
                problems.add(source.name() + (shouldReach ? " cannot" : " can") + " reach memory-store's API port " + api);
            }
        }
        if (management == api) {
            problems.add("memory-store serves actuator on its API port " + api + ": Prometheus would reach the API");
        } else if (!reach.allows(NetworkReach.Source.podIn("monitoring", prometheusPod), store, management)) {
            problems.add("Prometheus cannot scrape memory-store's management port " + management);
        }
        if (actuatorPort(store.container()) != management) {
            problems.add("memory-store's probes use port " + actuatorPort(store.container()) + ", actuator is on " + management);
        }
        assertThat(problems).as("problems in overlay %s", overlay).isEmpty();
    }

    /**
     * The other instances reach a user's owner at its Kafka Streams application.server: the pod's own IP (downward
     * API) and the API port, never the loopback default, which would send every remote read back to the asking pod.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void memoryStoreAdvertisesItsPodAddressOnItsApiPort(String overlay) {
        Manifests.Workload store = Manifests.of(overlay).workload(MEMORY_STORE).orElseThrow();
        Container container = store.container();
        ServiceSettings settings = ServiceSettings.of(container, MEMORY_STORE);
        String api = settings.string("server.port").orElseThrow();
        List<EnvVar> env = container.getEnv();
        int podIp = indexOf(env, "POD_IP");
        assertThat(podIp).as("POD_IP in memory-store's env in %s", overlay).isNotNegative();
        assertThat(env.get(podIp).getValueFrom() == null || env.get(podIp).getValueFrom().getFieldRef() == null ? null
                : env.get(podIp).getValueFrom().getFieldRef().getFieldPath()).as("POD_IP from the downward API").isEqualTo("status.podIP");
        int advertised = indexOf(env, "MEMORY_ADVERTISED_ADDRESS");
        assertThat(advertised).as("MEMORY_ADVERTISED_ADDRESS after POD_IP (Kubernetes expands only earlier variables) in %s",
                overlay).isGreaterThan(podIp);
        assertThat(settings.string("spring.kafka.streams.properties.application.server"))
                .as("memory-store's application.server in %s", overlay).contains("$(POD_IP):" + api);
    }

    /** MEMORY_STORE_URL names a Service of the render that selects memory-store's pods on their API port. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theGatewaysMemoryStoreUrlIsMemoryStoresService(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Manifests.Workload store = manifests.workload(MEMORY_STORE).orElseThrow();
        int api = Integer.parseInt(ServiceSettings.of(store.container(), MEMORY_STORE).string("server.port").orElseThrow());
        Container gateway = manifests.workload("gateway").orElseThrow().container();
        String url = ServiceSettings.of(gateway, "gateway").string("gateway.memory.store-url").orElse("");
        assertThat(url).as("the gateway's MEMORY_STORE_URL in %s", overlay).startsWith("http://");
        URI uri = URI.create(url);
        Optional<Service> service = manifests.named(Service.class, uri.getHost());
        assertThat(service).as("Service %s in %s", uri.getHost(), overlay).isPresent();
        assertThat(Manifests.selects(service.get().getSpec().getSelector(), store.podLabels()))
                .as("Service %s selects memory-store's pods", uri.getHost()).isTrue();
        assertThat(service.get().getSpec().getPorts()).as("a port %s of Service %s to memory-store's API port %s",
                uri.getPort(), uri.getHost(), api).anyMatch(p -> p.getPort() == uri.getPort()
                && containerPort(store.container(), p.getTargetPort()) == api);
    }

    private static int indexOf(List<EnvVar> env, String name) {
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The UI's public paths, from the gateway's own sources: every static file, / for the page, every GET endpoint. */
    static Set<String> publicPaths() {
        Set<String> paths = new TreeSet<>(Set.of(REALTIME_PATH, "/"));
        Path statics = Repository.path("gateway/src/main/resources/static");
        try (Stream<Path> files = Files.walk(statics)) {
            files.filter(Files::isRegularFile).forEach(f -> paths.add("/" + statics.relativize(f).toString().replace('\\', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path source : Repository.mainSources("gateway")) {
            String code = Repository.read(source);
            Matcher declaration = Pattern.compile("(?m)^(?:public |final |abstract )*class ").matcher(code);
            int type = declaration.find() ? declaration.start() : code.length();
            String prefix = "";
            Matcher m = MAPPING.matcher(code);
            while (m.find()) {
                String value = m.group(2) == null ? "" : m.group(2);
                if (m.group(1).equals("Request") && m.start() < type) {
                    prefix = value;
                    continue;
                }
                String path = prefix + value;
                paths.add(path.contains("{") ? path.substring(0, path.indexOf('{')) + "*" : path);
            }
        }
        return paths;
    }

    /** The container port serving actuator: where its liveness probe goes. */
    static int actuatorPort(Container container) {
        return containerPort(container, container.getLivenessProbe().getHttpGet().getPort());
    }

    static int containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(-1);
    }

    /** A rule with no sources, or a source that is every address or every pod of every namespace. */
    static boolean fromEveryone(NetworkPolicyIngressRule rule) {
        if (rule.getFrom().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : rule.getFrom()) {
            if (peer.getIpBlock() != null && "0.0.0.0/0".equals(peer.getIpBlock().getCidr())) {
                return true;
            }
            if (peer.getIpBlock() == null && peer.getNamespaceSelector() != null && Manifests.isEmpty(peer.getNamespaceSelector())
                    && (peer.getPodSelector() == null || Manifests.isEmpty(peer.getPodSelector()))) {
                return true;
            }
        }
        return false;
    }

    static Duration gatewayApiDuration(String value) {
        Duration total = Duration.ZERO;
        Matcher m = GATEWAY_API_DURATION.matcher(value);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return total;
    }
}
