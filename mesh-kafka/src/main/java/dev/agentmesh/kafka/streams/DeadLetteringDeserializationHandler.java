package dev.agentmesh.kafka.streams;

import dev.agentmesh.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * For a Kafka Streams service ({@code deserialization.exception.handler}): a record the stream cannot decode goes,
 * unchanged, to {@code <topic>-dlt} with the reason and the error's class in its headers, and the stream carries on;
 * if the dead-letter topic cannot be written, the stream stops rather than lose it. The log line names the record and
 * the kind of error only: a decoder's message may quote the record's content (a user's words).
 */
public class DeadLetteringDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetteringDeserializationHandler.class);

    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        producer = DeadLetterProducer.create(configs);
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        String deadLetterTopic = Topics.deadLetterFor(record.topic());
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(),
                record.headers());
        dead.headers().add("dlt-exception-class", exception.getClass().getName().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dlt-exception-message", String.valueOf(messageOf(exception)).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dlt-original-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dlt-original-partition", String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dlt-original-offset", String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(10, TimeUnit.SECONDS);
            log.warn("Dead-lettered {}-{}@{} to {} ({})", record.topic(), record.partition(), record.offset(),
                    deadLetterTopic, exception.getClass().getSimpleName());
            return DeserializationHandlerResponse.CONTINUE;
        } catch (Exception e) {
            log.error("Could not dead-letter {}-{}@{}; stopping ({})", record.topic(), record.partition(),
                    record.offset(), e.getClass().getSimpleName());
            return DeserializationHandlerResponse.FAIL;
        }
    }

    private static String messageOf(Exception exception) {
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
