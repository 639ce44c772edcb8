package dev.agentmesh.kafka;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.kafka.EventDeserializer;
import dev.agentmesh.events.kafka.EventSerializer;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka plumbing every service shares: events as JSON values with string keys, producers that send at once
 * ({@code linger.ms=0} unless configured), listeners that commit on a timer, and a dead-letter path: a record
 * that cannot be decoded or processed goes to {@code <topic>-dlt} with the error in its headers, and the
 * listener carries on with the next record. Runs before Boot's Kafka auto-configuration so Boot's
 * String-typed defaults back off; Boot's factory customizers (among them the one that binds Kafka client
 * metrics such as {@code kafka.consumer.fetch.manager.records.lag.max} to Micrometer) are applied to the
 * factories made here, and templates and listeners are observed, so sends and receipts carry trace context.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties({KafkaProperties.class, MeshKafkaProperties.class})
public class EventKafkaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ProducerFactory<String, Event> eventProducerFactory(KafkaProperties kafka,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        DefaultKafkaProducerFactory<String, Event> factory = new DefaultKafkaProducerFactory<>(
                producerProperties(kafka), new StringSerializer(), new EventSerializer());
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    @Bean
    @ConditionalOnMissingBean
    KafkaTemplate<String, Event> eventTemplate(ProducerFactory<String, Event> eventProducerFactory) {
        return observed(new KafkaTemplate<>(eventProducerFactory));
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerFactory<String, Event> eventConsumerFactory(KafkaProperties kafka,
            ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
        DefaultKafkaConsumerFactory<String, Event> factory = new DefaultKafkaConsumerFactory<>(
                consumerProperties(kafka), new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new EventDeserializer()));
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    @Bean
    @ConditionalOnMissingBean(name = "deadLetterTemplate")
    KafkaTemplate<String, Object> deadLetterTemplate(KafkaProperties kafka,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(Event.class, new EventSerializer());
        DefaultKafkaProducerFactory<String, Object> factory = new DefaultKafkaProducerFactory<>(
                producerProperties(kafka), new StringSerializer(), new DelegatingByTypeSerializer(byType, true));
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return observed(new KafkaTemplate<>(factory));
    }

    @Bean
    @ConditionalOnMissingBean
    DefaultErrorHandler deadLetteringErrorHandler(KafkaTemplate<String, Object> deadLetterTemplate) {
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetterRecoverer(deadLetterTemplate),
                new FixedBackOff(100, 2));
        handler.addNotRetryableExceptions(InvalidEventException.class, IllegalArgumentException.class);
        return handler;
    }

    /** Publishes a failed record, unchanged, to {@code <topic>-dlt} with the error in its headers. */
    public static DeadLetterPublishingRecoverer deadLetterRecoverer(KafkaTemplate<String, Object> deadLetterTemplate) {
        return new DeadLetterPublishingRecoverer(deadLetterTemplate,
                (record, exception) -> new TopicPartition(Topics.deadLetterFor(record.topic()), -1));
    }

    /** Trace context in record headers for readers and writers Spring Kafka does not observe (Kafka Streams). */
    @Bean
    @ConditionalOnMissingBean
    TraceHeaders traceHeaders(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new TraceHeaders(tracer.getIfAvailable(() -> Tracer.NOOP),
                propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    /** The default factory for {@code @KafkaListener}s and for containers the agent SDK creates. */
    @Bean
    @ConditionalOnMissingBean(name = "kafkaListenerContainerFactory")
    ConcurrentKafkaListenerContainerFactory<String, Event> kafkaListenerContainerFactory(
            ConsumerFactory<String, Event> eventConsumerFactory, DefaultErrorHandler deadLetteringErrorHandler,
            MeshKafkaProperties mesh) {
        ConcurrentKafkaListenerContainerFactory<String, Event> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(eventConsumerFactory);
        factory.setCommonErrorHandler(deadLetteringErrorHandler);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.TIME);
        factory.getContainerProperties().setAckTime(mesh.ackTime().toMillis());
        factory.getContainerProperties().setObservationEnabled(true);
        return factory;
    }

    /**
     * Observed, and a failed send is logged without the record's contents: they are users' turns, answers and
     * profiles, which never go to a log.
     */
    private static <V> KafkaTemplate<String, V> observed(KafkaTemplate<String, V> template) {
        template.setObservationEnabled(true);
        org.springframework.kafka.support.LoggingProducerListener<String, V> failures =
                new org.springframework.kafka.support.LoggingProducerListener<>();
        failures.setIncludeContents(false);
        template.setProducerListener(failures);
        return template;
    }

    /**
     * A crashed consumer's partitions move to the other replicas after the session timeout. Kafka's default of
     * 45 s is far past a delegated turn's 8 s deadline; 6 s (the broker's default minimum) lets a surviving
     * replica take over a killed one's subtasks within the deadline. Set either property to override.
     */
    static Map<String, Object> consumerProperties(KafkaProperties kafka) {
        Map<String, Object> properties = kafka.buildConsumerProperties();
        properties.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        properties.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        return properties;
    }

    static Map<String, Object> producerProperties(KafkaProperties kafka) {
        Map<String, Object> properties = kafka.buildProducerProperties();
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        return properties;
    }
}
