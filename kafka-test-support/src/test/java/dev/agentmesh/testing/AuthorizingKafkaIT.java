package dev.agentmesh.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AuthorizingKafkaIT {

    private static final AuthorizingKafka KAFKA = AuthorizingKafka.instance();

    @Test
    void aUserWritesOnlyWhatAnAclAllowsAndAWrongPasswordDoesNotLogIn() throws Exception {
        // given a topic, a user allowed to write it and a user with no ACL at all
        try (Admin admin = KAFKA.superUserAdmin()) {
            admin.createTopics(List.of(new NewTopic("authorized-writes", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "authorized-writes", PatternType.LITERAL),
                    new AccessControlEntry("User:writer", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        KAFKA.createUser("writer", "writer-secret");
        KAFKA.createUser("nobody", "nobody-secret");

        // then the writer's record is acknowledged
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            try (var producer = producer(KAFKA.clientSettings("writer", "writer-secret"))) {
                assertThat(producer.send(new ProducerRecord<>("authorized-writes", "k", "v")).get(10, TimeUnit.SECONDS)
                        .offset()).isGreaterThanOrEqualTo(0);
            }
        });
        // and the user without an ACL is refused, and a wrong password does not log in
        try (var producer = producer(KAFKA.clientSettings("nobody", "nobody-secret"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("authorized-writes", "k", "v")).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (var producer = producer(KAFKA.clientSettings("writer", "not-the-password"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("authorized-writes", "k", "v")).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> login) {
        Map<String, Object> settings = new HashMap<>(login);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }
}
