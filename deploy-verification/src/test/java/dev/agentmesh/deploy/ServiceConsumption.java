package dev.agentmesh.deploy;

import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.MeshKafkaProperties;
import dev.agentmesh.sdk.runtime.AgentAutoConfiguration;
import dev.agentmesh.sdk.runtime.AgentProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.yaml.snakeyaml.Yaml;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service really consumes with a consumer group, read from its module (never restated here): an agent's
 * group and request topic come from its {@code Agent.name()} through the SDK's own naming; the manager's from its
 * Kafka Streams application.id in application.yml and the topics its topology streams from.
 *
 * @param group the consumer group whose lag KEDA must watch
 * @param topics topics that group consumes
 * @param threadsPerReplica consumers one replica runs in that group (listener concurrency or stream threads)
 * @param agentName the agent's name when the service is an agent, else null
 */
record ServiceConsumption(String group, Set<String> topics, int threadsPerReplica, String agentName) {

    private static final Pattern IMPLEMENTS_AGENT = Pattern.compile("implements\\s+(?:[\\w.]+\\s*,\\s*)*Agent\\b");
    private static final Pattern AGENT_NAME = Pattern.compile("String\\s+name\\(\\)\\s*\\{\\s*return\\s+\"([^\"]+)\"\\s*;");
    private static final Pattern STREAM_SOURCE = Pattern.compile(
            "\\.stream\\(\\s*(?:List\\.of\\(\\s*)?(Topics\\.[A-Z_]+(?:\\s*,\\s*Topics\\.[A-Z_]+)*)");
    private static final Pattern TOPIC_CONSTANT = Pattern.compile("Topics\\.([A-Z_]+)");
    /**
     * The topics a service declares for its KafkaAdmin, always through {@code DeclaredTopics.of(mesh, Topics.X, …)}
     * or {@code DeclaredTopics.builder(Topics.X, mesh)}: the rest of the statement, whose {@code Topics.X} and
     * {@code Topics.deadLetterFor(Topics.X)} are the names.
     */
    private static final Pattern DECLARATION = Pattern.compile("DeclaredTopics\\.(?:of|builder)\\(([^;]*);");
    private static final Pattern DECLARED_TOPIC = Pattern.compile("(Topics\\.deadLetterFor\\(\\s*)?Topics\\.([A-Z_]+)\\b");
    private static final Pattern WRITTEN_TOPIC = Pattern.compile("\\.(?:to|send)\\(\\s*Topics\\.([A-Z_]+)\\s*,");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^:}]+:([^}]*)}");

    static Optional<ServiceConsumption> of(String module) {
        Map<String, String> config = applicationConfig(module);
        Optional<String> agent = agentName(module);
        if (agent.isPresent()) {
            String name = agent.get();
            int concurrency = Integer.parseInt(config.getOrDefault("agent.concurrency", agentDefault("concurrency")));
            return Optional.of(new ServiceConsumption(AgentAutoConfiguration.consumerGroup(name),
                    Set.of(Topics.requestsFor(name)), concurrency, name));
        }
        String applicationId = config.get("spring.kafka.streams.application-id");
        if (applicationId != null) {
            int threads = Integer.parseInt(config.getOrDefault("spring.kafka.streams.properties.num.stream.threads", "1"));
            return Optional.of(new ServiceConsumption(applicationId, streamSources(module), threads, null));
        }
        return Optional.empty();
    }

    /** The module's application.yml, all documents merged in order, keys flattened, placeholders at their defaults. */
    static Map<String, String> applicationConfig(String module) {
        Map<String, String> flat = new LinkedHashMap<>();
        rawApplicationConfig(module).forEach((key, value) -> flat.put(key, resolveDefaults(value)));
        return flat;
    }

    /** The module's application.yml, all documents merged in order, keys flattened, placeholders left as written. */
    static Map<String, String> rawApplicationConfig(String module) {
        Path file = Repository.path(module).resolve("src/main/resources/application.yml");
        Map<String, String> flat = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return flat;
        }
        for (Object document : new Yaml().loadAll(Repository.read(file))) {
            flatten("", document, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, Object value, Map<String, String> into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, child, into));
        } else if (value != null) {
            into.put(prefix, value.toString());
        }
    }

    static String resolveDefaults(String value) {
        String resolved = value;
        for (Matcher m = PLACEHOLDER.matcher(resolved); m.find(); m = PLACEHOLDER.matcher(resolved)) {
            resolved = resolved.substring(0, m.start()) + m.group(1) + resolved.substring(m.end());
        }
        return resolved;
    }

    private static Optional<String> agentName(String module) {
        for (Path source : Repository.mainSources(module)) {
            String code = Repository.read(source);
            if (IMPLEMENTS_AGENT.matcher(code).find()) {
                Matcher name = AGENT_NAME.matcher(code);
                if (!name.find()) {
                    throw new IllegalStateException(source + " implements Agent but its name() is not a literal");
                }
                return Optional.of(name.group(1));
            }
        }
        return Optional.empty();
    }

    private static Set<String> streamSources(String module) {
        Set<String> topics = new LinkedHashSet<>();
        for (Path source : Repository.mainSources(module)) {
            Matcher stream = STREAM_SOURCE.matcher(Repository.read(source));
            while (stream.find()) {
                Matcher constant = TOPIC_CONSTANT.matcher(stream.group(1));
                while (constant.find()) {
                    topics.add(topicConstant(constant.group(1)));
                }
            }
        }
        if (topics.isEmpty()) {
            throw new IllegalStateException(module + " has a Streams application.id but no builder.stream(Topics.…) source");
        }
        return topics;
    }

    /**
     * Topics the module's code declares (KafkaAdmin NewTopics), with the partitions the declaration asks for: a literal
     * {@code .partitions(n)}, else {@code mesh.kafka.partitions} (null here, the caller knows the setting).
     */
    /** The topics the module's code declares, with their partitions as {@link Topics#declaration} says (null: mesh.kafka.partitions). */
    static Map<String, Integer> declaredTopics(String module) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (Path source : Repository.mainSources(module)) {
            Matcher declaration = DECLARATION.matcher(Repository.read(source));
            while (declaration.find()) {
                Matcher declared = DECLARED_TOPIC.matcher(declaration.group(1));
                while (declared.find()) {
                    String topic = topicConstant(declared.group(2));
                    String name = declared.group(1) != null ? Topics.deadLetterFor(topic) : topic;
                    topics.put(name, Topics.declaration(name).partitions());
                }
            }
        }
        return topics;
    }

    /** Topics the module's code writes by name: a Streams {@code .to(Topics.X, …)} or a template's {@code .send(Topics.X, …)}. */
    static Set<String> writtenTopics(String module) {
        Set<String> topics = new LinkedHashSet<>();
        for (Path source : Repository.mainSources(module)) {
            Matcher written = WRITTEN_TOPIC.matcher(Repository.read(source));
            while (written.find()) {
                topics.add(topicConstant(written.group(1)));
            }
        }
        return topics;
    }

    /** Whether the module dead-letters what it reads to {@code <topic>-dlt} ({@code Topics.deadLetterFor(record.topic())}). */
    static boolean deadLettersWhatItReads(String module) {
        return Repository.mainSources(module).stream().map(Repository::read)
                .anyMatch(code -> code.contains("Topics.deadLetterFor(record.topic())"));
    }

    private static String topicConstant(String name) {
        try {
            return (String) Topics.class.getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Topics." + name + " does not exist", e);
        }
    }

    /** The default of one AgentProperties component, from its @DefaultValue. */
    private static String agentDefault(String component) {
        return defaultOf(AgentProperties.class, component);
    }

    /** The default of one MeshKafkaProperties component (mesh.kafka.*), from its @DefaultValue. */
    static String meshDefault(String component) {
        return defaultOf(MeshKafkaProperties.class, component);
    }

    private static String defaultOf(Class<? extends Record> type, String component) {
        RecordComponent[] components = type.getRecordComponents();
        Constructor<?> canonical = type.getDeclaredConstructors()[0];
        for (int i = 0; i < components.length; i++) {
            if (components[i].getName().equals(component)) {
                DefaultValue value = canonical.getParameters()[i].getAnnotation(DefaultValue.class);
                if (value == null) {
                    value = components[i].getAnnotation(DefaultValue.class);
                }
                return List.of(value.value()).getFirst();
            }
        }
        throw new IllegalStateException(type.getSimpleName() + " has no " + component);
    }
}
