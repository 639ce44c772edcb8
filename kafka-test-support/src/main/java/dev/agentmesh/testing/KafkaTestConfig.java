package dev.agentmesh.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Points {@code spring.kafka.bootstrap-servers} at the {@link TestKafka} broker. */
@TestConfiguration(proxyBeanMethods = false)
public class KafkaTestConfig {

    @Bean
    DynamicPropertyRegistrar kafkaBootstrapServers() {
        return registry -> registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }
}
