package dev.agentmesh.kafka;

import dev.agentmesh.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group-less reader on the real broker: one partition from the end reads only what arrives there afterwards,
 * a topic from the beginning reads what was there before, and neither start moves the other's partitions.
 */
class GrouplessReaderIT {

    private final List<String> read = new CopyOnWriteArrayList<>();
    private final List<GrouplessReader> readers = new ArrayList<>();

    @AfterEach
    void stopReaders() {
        readers.forEach(GrouplessReader::stop);
    }

    @Test
    void onePartitionFromTheEndReadsOnlyWhatArrivesThereAfterwards() throws Exception {
        String replies = topic(3);
        send(replies, 1, "old on 1");
        send(replies, 0, "old on 0");

        GrouplessReader reader = start(List.of(GrouplessReader.Source.partitionFromEnd(replies, 1)));
        send(replies, 0, "new on 0");
        send(replies, 2, "new on 2");
        send(replies, 1, "new on 1");

        await().atMost(Duration.ofSeconds(20)).until(() -> read.contains(replies + "-1:new on 1"));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> read.size() == 1);
        assertThat(reader.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aTopicFromTheBeginningBesidesOnePartitionFromTheEndReadsItsHistoryAndNothingOldOfTheOther()
            throws Exception {
        String replies = topic(2);
        String registry = topic(1);
        send(replies, 0, "old reply");
        send(registry, 0, "old card");

        start(List.of(GrouplessReader.Source.partitionFromEnd(replies, 0),
                GrouplessReader.Source.fromBeginning(registry)));
        send(replies, 0, "new reply");

        await().atMost(Duration.ofSeconds(20)).until(() -> read.size() == 2);
        assertThat(read).containsExactlyInAnyOrder(registry + "-0:old card", replies + "-0:new reply");
    }

    @Test
    void aPartitionTheTopicDoesNotHaveIsDownAndNamed() throws Exception {
        String replies = topic(2);

        GrouplessReader reader = start(List.of(GrouplessReader.Source.partitionFromEnd(replies, 5)));

        await().atMost(Duration.ofSeconds(20)).until(() -> reader.health().getStatus().equals(Status.DOWN));
        assertThat(reader.health().getDetails()).containsEntry("reason", replies + " has no partition 5 (it has 2)");
    }

    private GrouplessReader start(List<GrouplessReader.Source> sources) {
        Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        GrouplessReader reader = new GrouplessReader("reader-it", () -> new KafkaConsumer<>(properties,
                new StringDeserializer(), new ByteArrayDeserializer()), sources, this::take, null,
                Duration.ofMillis(100), Duration.ofSeconds(1));
        readers.add(reader);
        reader.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !reader.health().getStatus().equals(Status.OUT_OF_SERVICE));
        return reader;
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        read.add(record.topic() + "-" + record.partition() + ":" + new String(record.value(), StandardCharsets.UTF_8));
    }

    private static String topic(int partitions) throws Exception {
        String name = "reader-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
        return name;
    }

    private static void send(String topic, int partition, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, "k", value)).get();
        }
    }
}
