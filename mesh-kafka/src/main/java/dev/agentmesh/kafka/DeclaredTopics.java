package dev.agentmesh.kafka;

import dev.agentmesh.events.Topics;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.Arrays;

/**
 * The {@code NewTopic}s a service's KafkaAdmin creates, built from the one list in {@link Topics#declared()}, so
 * every service that declares a topic declares it alike: whichever starts first creates it right (a topic
 * auto-created by a producer gets the broker's default count, and agent-tasks must match agent-replies for the
 * manager's join).
 */
public final class DeclaredTopics {

    private DeclaredTopics() {
    }

    /** These topics as {@link Topics} declares them; a name it does not declare fails. */
    public static KafkaAdmin.NewTopics of(MeshKafkaProperties mesh, String... topics) {
        return new KafkaAdmin.NewTopics(Arrays.stream(topics).map(topic -> builder(topic, mesh).build())
                .toArray(org.apache.kafka.clients.admin.NewTopic[]::new));
    }

    /** A topic as {@link Topics} declares it, for a service that adds settings of its own (retention, say). */
    public static TopicBuilder builder(String topic, MeshKafkaProperties mesh) {
        Topics.Declaration declaration = Topics.declaration(topic);
        TopicBuilder builder = TopicBuilder.name(topic)
                .partitions(declaration.partitions() != null ? declaration.partitions() : mesh.partitions())
                .replicas(mesh.replicationFactor());
        return declaration.compacted() ? builder.compact() : builder;
    }
}
