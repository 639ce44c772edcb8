package dev.agentmesh.cli;

import dev.agentmesh.cli.agents.AgentStatus;
import dev.agentmesh.cli.agents.AgentView;
import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.events.AgentRegistered;
import dev.agentmesh.events.Topics;
import dev.agentmesh.testing.EventPublisher;
import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent view from registry records and a consumer group's committed offsets on a real broker: instances live or
 * gone by their heartbeats, versions, and lag as end offsets minus committed offsets.
 */
class AgentsIT {

    static String agent;
    static String group;
    static Instant now;

    @BeforeAll
    static void registerAnAgentWithTwoInstancesAndAGroupBehind() throws Exception {
        agent = "probe" + UUID.randomUUID().toString().substring(0, 8);
        group = agent + "-agent";
        String requests = Topics.requestsFor(agent);
        Topics6.create(requests);
        now = Instant.now();
        try (EventPublisher publisher = new EventPublisher()) {
            // an instance that stopped two minutes ago (heartbeat every 5 s), and one that beats now with a newer version
            publisher.publish(Topics.AGENT_REGISTRY, agent, registered("probe-old", "1.0.0", now.minusSeconds(120)));
            publisher.publish(Topics.AGENT_REGISTRY, agent, registered("probe-new", "1.1.0", now.minusSeconds(1)));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                TestKafka.bootstrapServers(), "linger.ms", 0), new StringSerializer(), new StringSerializer())) {
            // partition 0: 4 records, 1: 3, 2: 3
            for (int partition = 0; partition < 3; partition++) {
                for (int i = 0; i < (partition == 0 ? 4 : 3); i++) {
                    producer.send(new ProducerRecord<>(requests, partition, "k", "subtask")).get(30, TimeUnit.SECONDS);
                }
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            // the group read one record of partition 0 and all of partition 1; partition 2 has no commit yet
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(requests, 0), new OffsetAndMetadata(1),
                    new TopicPartition(requests, 1), new OffsetAndMetadata(3))).all().get(30, TimeUnit.SECONDS);
        }
    }

    static AgentRegistered registered(String instance, String version, Instant at) {
        return new AgentRegistered(UUID.randomUUID().toString(), at, 1, agent, "Answers probes",
                Topics.requestsFor(agent), version, instance, 5_000, List.of("text/plain"), List.of("text/plain"),
                List.of());
    }

    @Test
    void showsInstancesVersionsHeartbeatsAndTheGroupsLag() {
        List<AgentStatus> agents;
        try (PartitionReader reader = new PartitionReader(KafkaConnection.to(TestKafka.bootstrapServers()));
             Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            agents = new AgentView(reader, admin, Clock.systemUTC()).agents();
        }

        AgentStatus probe = agents.stream().filter(a -> a.agent().equals(agent)).findFirst().orElseThrow();
        assertThat(probe.live()).isTrue();
        assertThat(probe.version()).isEqualTo("1.1.0");
        assertThat(probe.requestTopic()).isEqualTo(agent + "-requests");
        assertThat(probe.instances()).extracting(AgentStatus.Instance::instanceId, AgentStatus.Instance::version,
                AgentStatus.Instance::live).containsExactly(
                org.assertj.core.groups.Tuple.tuple("probe-new", "1.1.0", true),
                org.assertj.core.groups.Tuple.tuple("probe-old", "1.0.0", false));
        assertThat(probe.groups()).singleElement().satisfies(lag -> {
            assertThat(lag.groupId()).isEqualTo(group);
            assertThat(lag.lag()).isEqualTo(3);
            assertThat(lag.partitions()).isEqualTo(6);
            assertThat(lag.uncommitted()).isEqualTo(4);
            assertThat(lag.members()).isZero();
        });
    }

    @Test
    void printsOneLinePerAgentAndPerInstance() {
        Cli.Result result = Cli.run("agents");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern(agent + " +yes +1\\.1\\.0 +1/2 +[0-9]+ s ago +" + group
                        + ": 3 \\(Empty, 0 members, 4 of 6 partitions not committed\\)")
                .containsPattern("probe-old +1\\.0\\.0 +gone +2 min ago");
    }

    @Test
    void refusesArgumentsItDoesNotTake() {
        Cli.Result result = Cli.run("agents", "weather");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unexpected 'weather'");
    }
}
