package dev.agentmesh.cli;

import dev.agentmesh.cli.deadletters.DeadLetter;
import dev.agentmesh.events.AgentTaskRequested;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.TaskPlanned;
import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.streams.DeadLetteringDeserializationHandler;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentRequest;
import dev.agentmesh.testing.EventProbe;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.KafkaIntegrationTest;
import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.test.utils.ContainerTestUtils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tool against an agent on the SDK running in this JVM on a real broker. The agent's own heartbeats and consumer
 * group make {@code mesh agents}; its own reply is in {@code mesh timeline}; it dead-letters a poison subtask through
 * Spring Kafka's recoverer, and the Kafka Streams services' handler dead-letters a record it cannot decode:
 * {@code mesh dlt list} shows where each came from and why, {@code mesh dlt replay} puts one back on its original
 * topic with its key, once unless forced.
 */
@KafkaIntegrationTest
class RunningAgentIT {

    static final String AGENT = "opsecho";
    static final String REQUESTS = Topics.requestsFor(AGENT);
    static final String DEAD = Topics.deadLetterFor(REQUESTS);

    @SpringBootApplication
    static class OpsEchoAgentApplication {

        @Bean
        Agent opsEchoAgent() {
            return new Agent() {
                @Override
                public String name() {
                    return AGENT;
                }

                @Override
                public String description() {
                    return "Repeats the request";
                }

                @Override
                public String handle(AgentRequest request) {
                    return request.text();
                }
            };
        }
    }

    static EventProbe deadLetters;
    static EventProbe requests;
    static EventPublisher publisher;

    @BeforeAll
    static void openProbes() {
        deadLetters = EventProbe.on(DEAD);
        requests = EventProbe.on(REQUESTS);
        publisher = new EventPublisher();
    }

    @AfterAll
    static void closeProbes() {
        deadLetters.close();
        requests.close();
        publisher.close();
    }

    @Autowired
    void waitForAssignment(ConcurrentMessageListenerContainer<String, ?> agentRequestsContainer) {
        ContainerTestUtils.waitForAssignment(agentRequestsContainer, 6);
    }

    @Test
    void showsTheRunningAgentLiveWithItsGroupCaughtUp() {
        // the SDK's default: two listener threads, two members of the agent's group
        String taskId = UUID.randomUUID().toString();
        publisher.publish(REQUESTS, taskId, SubtaskRequested.of(taskId, "conv-" + taskId, AGENT, "hello", List.of(),
                List.of(), 1, Instant.now().plusSeconds(10)));

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Cli.Result result = Cli.run("agents");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).containsPattern("(?m)^" + AGENT + " +yes +\\S+ +1/1 +[0-9]+ s ago +" + AGENT
                    + "-agent: 0 \\(Stable, 2 members\\)");
        });
    }

    @Test
    void aTimelineShowsTheAgentsOwnReplyWithTheTimeItTook() {
        String taskId = UUID.randomUUID().toString();
        String conversation = "conv-" + taskId;
        Instant deadline = Instant.now().plusSeconds(10);
        publisher.publish(Topics.AGENT_TASKS, taskId, AgentTaskRequested.of(taskId, conversation, "hello there",
                List.of(), deadline, "gw-test"));
        publisher.publish(Topics.CONVERSATION_EVENTS, conversation, TaskPlanned.of(taskId, conversation,
                "hello there", List.of(List.of(AGENT)), "local", "echo"));
        try (EventProbe replies = EventProbe.on(Topics.AGENT_REPLIES)) {
            publisher.publish(REQUESTS, taskId, SubtaskRequested.of(taskId, conversation, AGENT, "hello there",
                    List.of(), List.of(), 1, deadline));
            SubtaskCompleted reply = replies.awaitEvent(SubtaskCompleted.class, r -> r.taskId().equals(taskId),
                    Duration.ofSeconds(20));

            Cli.Result result = Cli.run("timeline", taskId);

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("task " + taskId + ": waiting")
                    .containsPattern(AGENT + " +1 +answered +" + reply.durationMs() + " ms +hello there")
                    .containsPattern("answered +" + AGENT + " +agent-replies-[0-9]+@[0-9]+ +" + reply.durationMs()
                            + " ms; hello there");
            List<String> whats = result.out().lines().filter(l -> l.matches("\\+[0-9].*"))
                    .map(l -> l.split(" +")[3]).toList();
            assertThat(whats).containsExactly("requested", "planned", "asked", "answered");
        }
    }

    @Test
    void listsAnAgentsPoisonRecordWithItsReasonAndReplaysItOnceToItsTopicWithItsKey() {
        String key = "poison-" + UUID.randomUUID();
        publisher.publishRaw(REQUESTS, key, "{not json".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(key, r -> replayedFrom(r) == null);
        ConsumerRecord<String, byte[]> original = requests.records().stream().filter(r -> key.equals(r.key()))
                .findFirst().orElseThrow();
        String address = dead.partition() + ":" + dead.offset();

        Cli.Result listed = Cli.run("dlt", "list", DEAD);

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        String line = listed.out().lines().filter(l -> l.startsWith("  " + address + " ")).findFirst().orElseThrow();
        assertThat(line).contains("from " + REQUESTS + "-" + original.partition() + "@" + original.offset()
                + " read by " + AGENT + "-agent").contains("key " + key).contains("9 bytes");
        List<String> block = listed.out().lines().dropWhile(l -> !l.equals(line)).limit(3).toList();
        assertThat(block.get(1)).startsWith("    why: ").containsPattern("Exception: .+");
        assertThat(block.get(2)).isEqualTo("    value: {not json");

        Cli.Result replayed = Cli.run("dlt", "replay", DEAD, address);

        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(replayed.out()).contains(DEAD + "/" + dead.partition() + "/" + dead.offset() + ": replayed to "
                + REQUESTS + "-" + original.partition() + "@");
        await().atMost(Duration.ofSeconds(20)).until(() -> replayOf(key).isPresent());
        ConsumerRecord<String, byte[]> replay = replayOf(key).orElseThrow();
        assertThat(replay.partition()).isEqualTo(original.partition());
        assertThat(new String(replay.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(text(replay, DeadLetter.REPLAYED_FROM)).isEqualTo(DEAD + "/" + dead.partition() + "/" + dead.offset());
        assertThat(replay.headers()).extracting(Header::key).noneMatch(name -> name.startsWith("kafka_dlt-"));

        // still poison: the agent dead-letters it again, and the list says it is a replay
        ConsumerRecord<String, byte[]> again = awaitDeadLetter(key, r -> replayedFrom(r) != null);
        Cli.Result relisted = Cli.run("dlt", "list", DEAD);
        assertThat(relisted.out()).contains("  " + again.partition() + ":" + again.offset() + " ")
                .contains("    failed again after a replay of " + DEAD + "/" + dead.partition() + "/" + dead.offset());

        Cli.Result twice = Cli.run("dlt", "replay", DEAD, address);
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).contains("not replayed: already replayed to " + REQUESTS + "-" + replay.partition()
                + "@" + replay.offset()).contains("--force");

        Cli.Result forced = Cli.run("dlt", "replay", DEAD, address, "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> requests.records().stream()
                .filter(r -> key.equals(r.key()) && r.headers().lastHeader(DeadLetter.REPLAYED_FROM) != null).count() == 2);
    }

    @Test
    void listsWhatTheStreamsHandlerDeadLettersAndRefusesToReplayACutRecord() throws Exception {
        String topic = "opsstream-" + UUID.randomUUID().toString().substring(0, 8);
        Topics6.create(topic, Topics.deadLetterFor(topic));
        EventProbe streamDead = EventProbe.on(Topics.deadLetterFor(topic));
        String key = "task-" + UUID.randomUUID();
        DeadLetteringDeserializationHandler handler = new DeadLetteringDeserializationHandler();
        handler.configure(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
        ConsumerRecord<byte[], byte[]> unreadable = new ConsumerRecord<>(topic, 2, 41, 0L, TimestampType.CREATE_TIME,
                0, 0, key.getBytes(StandardCharsets.UTF_8), "{\"type\":\"no-such-type\"}".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(), Optional.empty());
        DeserializationExceptionHandler.DeserializationHandlerResponse response = handler.handle(
                (org.apache.kafka.streams.errors.ErrorHandlerContext) null, unreadable,
                new InvalidEventException("not a valid event: unknown type 'no-such-type'"));
        assertThat(response).isEqualTo(DeserializationExceptionHandler.DeserializationHandlerResponse.CONTINUE);
        // as the manager's production handler writes a record too large for the broker: its beginning only
        RecordHeaders cut = new RecordHeaders();
        cut.add("dlt-exception-class",
                "org.apache.kafka.common.errors.RecordTooLargeException".getBytes(StandardCharsets.UTF_8));
        cut.add("dlt-exception-message", "The message is 1500000 bytes".getBytes(StandardCharsets.UTF_8));
        cut.add("dlt-original-topic", topic.getBytes(StandardCharsets.UTF_8));
        cut.add("dlt-original-size", "1500000".getBytes(StandardCharsets.UTF_8));
        cut.add("dlt-value-truncated", "true".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                TestKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.deadLetterFor(topic), 0, key.getBytes(StandardCharsets.UTF_8),
                    "{\"type\":\"subtask-requested\"".getBytes(StandardCharsets.UTF_8), cut)).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> streamDead.records().size() == 2);
        ConsumerRecord<String, byte[]> decoded = streamDead.records().stream()
                .filter(r -> r.headers().lastHeader("dlt-value-truncated") == null).findFirst().orElseThrow();
        ConsumerRecord<String, byte[]> tooLarge = streamDead.records().stream()
                .filter(r -> r.headers().lastHeader("dlt-value-truncated") != null).findFirst().orElseThrow();
        streamDead.close();

        Cli.Result listed = Cli.run("dlt", "list", Topics.deadLetterFor(topic));

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("from " + topic + "-2@41  key " + key)
                .contains("    why: InvalidEventException: not a valid event: unknown type 'no-such-type'")
                .contains("from " + topic + " (never written: refused by the broker)")
                .contains("    why: RecordTooLargeException: The message is 1500000 bytes")
                .contains("[only the first bytes were kept: cannot be replayed]")
                .contains("2 dead letters");

        Cli.Result refused = Cli.run("dlt", "replay", Topics.deadLetterFor(topic),
                tooLarge.partition() + ":" + tooLarge.offset());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("replaying them would publish a broken record");

        EventProbe back = EventProbe.on(topic);
        Cli.Result replayed = Cli.run("dlt", "replay", Topics.deadLetterFor(topic),
                decoded.partition() + ":" + decoded.offset());
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> back.records().stream().anyMatch(r -> key.equals(r.key())));
        ConsumerRecord<String, byte[]> put = back.records().stream().filter(r -> key.equals(r.key())).findFirst()
                .orElseThrow();
        back.close();
        assertThat(new String(put.value(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"no-such-type\"}");
        assertThat(put.headers()).extracting(Header::key).containsExactly(DeadLetter.REPLAYED_FROM,
                DeadLetter.REPLAYED_AT);
    }

    @Test
    void badReplayArgumentsGetAClearError() {
        Cli.Result notDead = Cli.run("dlt", "replay", REQUESTS, "0:1");
        Cli.Result bare = Cli.run("dlt", "replay", DEAD, "7");
        Cli.Result missing = Cli.run("dlt", "replay", DEAD, "0:999999");
        Cli.Result none = Cli.run("dlt", "replay", DEAD);

        assertThat(notDead.exitCode()).isEqualTo(2);
        assertThat(notDead.err()).contains("'" + REQUESTS + "' is not a dead-letter topic");
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).contains("the topic has 6 partitions; name the dead letter as <partition>:<offset>");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not replayed: no record at offset 999999");
        assertThat(none.exitCode()).isEqualTo(2);
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String key,
            java.util.function.Predicate<ConsumerRecord<String, byte[]>> condition) {
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.records().stream()
                .anyMatch(r -> key.equals(r.key()) && condition.test(r)));
        return deadLetters.records().stream().filter(r -> key.equals(r.key()) && condition.test(r)).findFirst()
                .orElseThrow();
    }

    private static Optional<ConsumerRecord<String, byte[]>> replayOf(String key) {
        return requests.records().stream()
                .filter(r -> key.equals(r.key()) && r.headers().lastHeader(DeadLetter.REPLAYED_FROM) != null)
                .findFirst();
    }

    private static org.apache.kafka.common.header.Header replayedFrom(ConsumerRecord<?, ?> record) {
        return record.headers().lastHeader(DeadLetter.REPLAYED_FROM);
    }

    private static String text(ConsumerRecord<?, ?> record, String header) {
        return new String(record.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }
}
