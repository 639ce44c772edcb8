package dev.agentmesh.memory.api;

import dev.agentmesh.events.Event;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.LoggingProducerListener;

/**
 * The template memory commands are sent with: the shared one, except that a failed send is logged without the
 * record's content (Spring Kafka's default quotes it, and a profile edit is user data).
 */
@Configuration(proxyBeanMethods = false)
class CommandTemplateConfiguration {

    @Bean
    KafkaTemplate<String, Event> eventTemplate(ProducerFactory<String, Event> eventProducerFactory) {
        KafkaTemplate<String, Event> template = new KafkaTemplate<>(eventProducerFactory);
        LoggingProducerListener<String, Event> listener = new LoggingProducerListener<>();
        listener.setIncludeContents(false);
        template.setProducerListener(listener);
        template.setObservationEnabled(true);
        return template;
    }
}
