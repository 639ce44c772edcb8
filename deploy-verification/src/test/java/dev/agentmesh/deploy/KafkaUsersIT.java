package dev.agentmesh.deploy;

import dev.agentmesh.emulator.RealtimeEmulator;
import dev.agentmesh.events.Topics;
import dev.agentmesh.gateway.GatewayApplication;
import dev.agentmesh.gateway.tasks.AgentCatalog;
import dev.agentmesh.manager.AgentManagerApplication;
import dev.agentmesh.memory.MemoryStoreApplication;
import dev.agentmesh.testing.AuthorizingKafka;
import dev.agentmesh.weather.WeatherAgentApplication;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The KafkaUsers of the render, proven on a broker that says no: every KafkaTopic created as the Topic Operator would,
 * every KafkaUser's SCRAM credential and ACL rules given to an authorizing broker ({@link AuthorizingKafka},
 * {@link StrimziAcls}), then the real services started in this JVM from their rendered containers, each logged in as
 * its own user: a delegated turn end to end through the gateway, the manager's Streams app, the weather agent on the
 * SDK and the memory store; an agent dead-lettering a poison request; the operator's tool run as its Jobs run it.
 * What the rules do not grant must be refused.
 */
class KafkaUsersIT {

    /** The single-broker overlay: replication 1, as the test broker has one node. The users are the base's. */
    private static final String OVERLAY = "dev";
    /** The id a browser keeps for its user; the dev overlay's gateway admits any client and keeps memory under it. */
    private static final String BROWSER_USER = "acl-run-" + UUID.randomUUID().toString().substring(0, 8);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Map<String, String> PASSWORDS = new HashMap<>();
    private static final List<AutoCloseable> STARTED = new ArrayList<>();
    private static final AtomicReference<Turn> TURN = new AtomicReference<>();
    private static final AtomicReference<PoisonRequest> POISON = new AtomicReference<>();

    private static Manifests manifests;
    private static AuthorizingKafka kafka;
    private static RenderedService gateway;
    private static RenderedService memoryStore;

    /** The delegated turn every test may look at, run once. */
    record Turn(String taskId, String conversationId, String completed, String transcript) {
    }

    /**
     * A request the weather agent could not read, where it was dead-lettered, and what the dead letter says of it.
     *
     * @param headers the dead letter's headers, as text
     */
    record PoisonRequest(String key, String value, int partition, long offset, Map<String, String> headers) {
    }

    @BeforeAll
    static void startTheServicesUnderTheirKafkaUsers() throws Exception {
        manifests = Manifests.of(OVERLAY);
        kafka = AuthorizingKafka.instance();
        try (Admin admin = kafka.superUserAdmin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
                Map<String, String> config = new HashMap<>();
                if (topic.getSpec().getConfig() != null) {
                    topic.getSpec().getConfig().forEach((key, value) -> config.put(key, String.valueOf(value)));
                }
                topics.add(new NewTopic(Manifests.topicNameOf(topic), topic.getSpec().getPartitions(),
                        topic.getSpec().getReplicas().shortValue()).configs(config));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            for (KafkaUser user : manifests.all(KafkaUser.class)) {
                admin.createAcls(StrimziAcls.bindings(user)).all().get(30, TimeUnit.SECONDS);
            }
        }
        for (KafkaUser user : manifests.all(KafkaUser.class)) {
            String name = user.getMetadata().getName();
            PASSWORDS.put(name, "pw-" + UUID.randomUUID());
            kafka.createUser(name, PASSWORDS.get(name));
        }

        RealtimeEmulator emulator = RealtimeEmulator.start();
        STARTED.add(emulator);
        int memoryPort = freePort();
        memoryStore = start(MemoryStoreApplication.class, "memory-store",
                "spring.kafka.streams.state-dir=" + Files.createTempDirectory("memory-store-acls"),
                "server.port=" + memoryPort, "memory.advertised-address=127.0.0.1:" + memoryPort);
        start(AgentManagerApplication.class, "agent-manager",
                "spring.kafka.streams.state-dir=" + Files.createTempDirectory("agent-manager-acls"));
        // the offline provider: Open-Meteo is the internet, and which provider answers changes nothing on Kafka
        start(WeatherAgentApplication.class, "weather-agent", "weather.provider=offline");
        gateway = start(GatewayApplication.class, "gateway",
                "gateway.upstream.url=" + emulator.url(), "gateway.upstream.api-key=sk-acl-run",
                "gateway.memory.store-url=http://127.0.0.1:" + memoryPort,
                // the whole mesh shares this JVM: its CPU is not the gateway's
                "gateway.capacity.max-cpu=1.0",
                // what is under test is who may do what, not latency: on a loaded 2-core build machine the first
                // plan and the agent's first subtask can take longer than the 8 s a user waits for (seen at load 76)
                "gateway.tasks.deadline=30s");
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                STARTED.stream().filter(RenderedService.class::isInstance).map(RenderedService.class::cast)
                        .allMatch(service -> service.ready(HTTP)));
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.context().getBean(AgentCatalog.class).live().stream()
                .anyMatch(agent -> agent.name().equals("weather")));
    }

    @AfterAll
    static void stopTheServices() throws Exception {
        for (int i = STARTED.size() - 1; i >= 0; i--) {
            STARTED.get(i).close();
        }
    }

    @Test
    void aDelegatedTurnRunsWithEveryServiceLoggedInAsItsOwnKafkaUser() throws Exception {
        // given the gateway (as gateway), the manager (as agent-manager) and the weather agent (as weather-agent)
        // when a client asks about the weather
        Turn turn = delegatedTurn();

        // then the weather agent answered within the deadline, and the model spoke its facts
        JsonNode completed = JSON.readTree(turn.completed());
        assertThat(completed.path("outcomes").toString()).contains("\"agent\":\"weather\"").contains("\"status\":\"answered\"");
        assertThat(turn.transcript()).contains("Paris");
    }

    @Test
    void theMemoryStoreKeepsTheTurnAndAppliesAnEditAsItsOwnKafkaUser() throws Exception {
        // given the delegated turn, which the gateway wrote to conversation-events
        Turn turn = delegatedTurn();
        String user = "browser:" + BROWSER_USER;

        // then the memory store (reading as memory-store, exactly once) serves that conversation
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                get(memoryApi(user) + "/conversations/" + turn.conversationId())).contains("Paris"));

        // and an edit through its API (a command it writes, then applies to the profile it writes) shows
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(memoryApi(user) + "/profile"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"homeCity\":\"Lyon\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isIn(200, 202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(memoryApi(user) + "/profile")).contains("Lyon"));
    }

    @Test
    void anAgentDeadLettersARequestItCannotReadAsItsOwnKafkaUser() {
        // given "{not json" written to weather-requests as the manager, its one writer
        // when the weather agent (as weather-agent) fails to read it
        PoisonRequest poison = poisonRequest();

        // then it is on weather-requests-dlt unchanged, naming where it came from and which group failed on it
        assertThat(poison.value()).isEqualTo("{not json");
        assertThat(poison.headers()).containsEntry("kafka_dlt-original-topic", Topics.requestsFor("weather"))
                .containsEntry("kafka_dlt-original-consumer-group", "weather-agent")
                .containsKey("kafka_dlt-exception-message");
    }

    @Test
    void whatTheRulesDoNotGrantIsRefused() {
        // the manager hands out subtasks but never writes tasks, replies or users' memory
        assertWriteRefused("agent-manager", Topics.AGENT_TASKS);
        assertWriteRefused("agent-manager", Topics.AGENT_REPLIES);
        assertWriteRefused("agent-manager", Topics.USER_PROFILES);
        // an agent reads its own requests only, joins only its own group, writes no task or result
        assertReadRefused("weather-agent", Topics.requestsFor("news"));
        assertGroupRefused("weather-agent", Topics.requestsFor("weather"), "news-agent");
        assertWriteRefused("weather-agent", Topics.AGENT_TASKS);
        assertWriteRefused("weather-agent", Topics.AGENT_RESULTS);
        assertWriteRefused("weather-agent", Topics.requestsFor("news"));
        // the gateway reads results and writes tasks, but forges no reply and no memory
        assertWriteRefused("gateway", Topics.AGENT_REPLIES);
        assertWriteRefused("gateway", Topics.MEMORY_COMMANDS);
        assertReadRefused("gateway", Topics.requestsFor("weather"));
        // the operator's tool reads; only its replay user writes, and never users' memory or the manager's state
        assertWriteRefused("mesh-cli", Topics.AGENT_TASKS);
        assertWriteRefused("mesh-cli-replay", Topics.MEMORY_COMMANDS);
        assertWriteRefused("mesh-cli-replay", "agent-manager-tasks-changelog");
        assertWriteRefused("keda-scaler", Topics.AGENT_TASKS);
        assertReadRefused("keda-scaler", Topics.AGENT_TASKS);
    }

    @Test
    void theOperatorsToolRunsItsCommandsAsItsKafkaUsers() throws Exception {
        Turn turn = delegatedTurn();
        PoisonRequest poison = poisonRequest();
        MeshCliJob reader = job("mesh-cli.yaml", "mesh-cli");

        MeshCliJob.Result tasks = reader.run("tasks", "--since", "1h");
        assertThat(tasks.exitCode()).as(tasks.err()).isZero();
        assertThat(tasks.out()).contains(turn.taskId());

        MeshCliJob.Result timeline = reader.run("timeline", turn.taskId());
        assertThat(timeline.exitCode()).as(timeline.err()).isZero();
        assertThat(timeline.out()).contains("answered").contains("weather-requests").contains("agent-results");

        MeshCliJob.Result agents = reader.run("agents");
        assertThat(agents.exitCode()).as(agents.err()).isZero();
        assertThat(agents.out()).contains("weather").contains("weather-agent: ");

        String deadLetter = poison.partition() + ":" + poison.offset();
        String dlt = Topics.deadLetterFor(Topics.requestsFor("weather"));
        MeshCliJob.Result list = reader.run("dlt", "list", dlt);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains(deadLetter).contains("InvalidEventException");

        // the read-only user cannot replay; the replay user can, and the agent dead-letters the record again
        MeshCliJob.Result refused = reader.run("dlt", "replay", dlt, deadLetter);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out() + refused.err()).containsIgnoringCase("authoriz");

        MeshCliJob.Result replay = job("mesh-cli-replay.yaml", "mesh-cli-replay").run("dlt", "replay", dlt, deadLetter);
        assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(reader.run("dlt", "list", dlt).out())
                .contains("failed again after a replay of " + dlt + "/" + poison.partition() + "/" + poison.offset()));
    }

    private static synchronized Turn delegatedTurn() throws Exception {
        if (TURN.get() == null) {
            String url = "ws://127.0.0.1:" + gateway.port() + "/v1/realtime?agent_events=true&user_id=" + BROWSER_USER;
            try (RealtimeClient client = RealtimeClient.connect(url, Map.of())) {
                String conversation = client.awaitEvent("agent_mesh.conversation", event -> true, Duration.ofSeconds(20));
                client.sendText("What's the weather in Paris?");
                String completed = client.awaitEvent("agent_mesh.task.completed", event -> true, Duration.ofSeconds(60));
                String transcript = client.awaitEvent("response.output_audio_transcript.done", event -> true,
                        Duration.ofSeconds(60));
                TURN.set(new Turn(JSON.readTree(completed).path("task_id").asString(),
                        JSON.readTree(conversation).path("conversation_id").asString(), completed, transcript));
            }
        }
        return TURN.get();
    }

    /** "{not json" on the weather agent's request topic, written as the manager (its one writer), dead-lettered by the agent. */
    private static synchronized PoisonRequest poisonRequest() {
        if (POISON.get() == null) {
            String key = "poison-" + UUID.randomUUID();
            String requests = Topics.requestsFor("weather");
            try (KafkaProducer<String, String> producer = producer("agent-manager")) {
                producer.send(new ProducerRecord<>(requests, key, "{not json")).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the manager could not write " + requests, e);
            }
            try (Admin admin = kafka.superUserAdmin();
                 KafkaConsumer<String, String> consumer = new KafkaConsumer<>(superUserConsumer(), new StringDeserializer(),
                         new StringDeserializer())) {
                String dlt = Topics.deadLetterFor(requests);
                List<TopicPartition> partitions = admin.describeTopics(List.of(dlt)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(dlt).partitions().stream().map(p -> new TopicPartition(dlt, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                AtomicReference<ConsumerRecord<String, String>> found = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                        if (key.equals(record.key())) {
                            found.set(record);
                        }
                    });
                    return found.get() != null;
                });
                Map<String, String> headers = new HashMap<>();
                found.get().headers().forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
                POISON.set(new PoisonRequest(key, found.get().value(), found.get().partition(), found.get().offset(), headers));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return POISON.get();
    }

    private static String memoryApi(String user) {
        return "http://127.0.0.1:" + memoryStore.port() + "/api/memory/users/" + URLEncoder.encode(user, StandardCharsets.UTF_8);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static MeshCliJob job(String file, String user) {
        Job job = Manifests.parse("k8s/ops", Repository.read(Repository.path("k8s/ops/" + file))).all(Job.class).getFirst();
        String secret = job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElseThrow();
        assertThat(secret).as("the Secret k8s/ops/%s logs in with", file).isEqualTo(user);
        return MeshCliJob.of(job, manifests, kafka.bootstrapServers(), AuthorizingKafka.jaasConfig(user, PASSWORDS.get(user)));
    }

    private static void assertWriteRefused(String user, String topic) {
        try (KafkaProducer<String, String> producer = producer(user)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "acl-check", "{}")).get(30, TimeUnit.SECONDS))
                    // a user that may write no topic at all is refused the idempotent producer's id (cluster) first
                    .as("%s writing %s", user, topic).hasCauseInstanceOf(AuthorizationException.class);
        }
    }

    private static void assertReadRefused(String user, String topic) {
        try (KafkaConsumer<String, String> consumer = consumer(user, null)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).as("%s reading %s", user, topic)
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static void assertGroupRefused(String user, String topic, String group) {
        try (KafkaConsumer<String, String> consumer = consumer(user, group)) {
            consumer.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    consumer.poll(Duration.ofMillis(500));
                }
            }).as("%s joining group %s", user, group).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(String user) {
        Map<String, Object> settings = new HashMap<>(kafka.clientSettings(user, PASSWORDS.get(user)));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String user, String group) {
        Map<String, Object> settings = new HashMap<>(kafka.clientSettings(user, PASSWORDS.get(user)));
        if (group != null) {
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> superUserConsumer() {
        return kafka.superUserSettings();
    }

    private static RenderedService start(Class<?> application, String module, String... overrides) {
        Manifests.Workload workload = manifests.workload(module).orElseThrow(() ->
                new IllegalStateException("overlay " + OVERLAY + " runs no " + module));
        RenderedService service = RenderedService.start(application, workload, kafka.bootstrapServers(),
                AuthorizingKafka.jaasConfig(module, PASSWORDS.get(module)), overrides);
        STARTED.add(service);
        return service;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
