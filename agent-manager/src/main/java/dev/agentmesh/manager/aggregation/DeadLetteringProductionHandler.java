package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.Topics;
import dev.agentmesh.kafka.streams.DeadLetterProducer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the stream does with a record the broker will not take because it is too large. Retrying cannot help and
 * failing would stop the stream thread on the same input again and again, so the record is dropped and the stream
 * goes on with the next tasks:
 * <ul>
 *     <li>an event for a topic (a subtask, a result, a plan) goes to {@code <topic>-dlt}: its key (the task id),
 *     headers saying why, and the first {@value #KEPT_BYTES} bytes of its value (the whole would not fit either).
 *     A subtask that never reaches its agent times out at the deadline, so the task still gets its result;</li>
 *     <li>a task's state for the store's changelog is kept in memory only: the task finishes here, but an instance
 *     that takes the partition over would restore its previous state.</li>
 * </ul>
 * The dead-letter topics of agent-results and conversation-events are created on first use where the broker allows
 * it; where it does not (or the manager may not write them), the record is dropped with an error in the log.
 * Every other production error keeps Kafka's default: retry what is retriable, otherwise fail the thread (which
 * {@link StreamThreadReplacer} replaces).
 */
public class DeadLetteringProductionHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetteringProductionHandler.class);
    static final int KEPT_BYTES = 8 * 1024;

    /**
     * Kafka Streams makes one handler per task, again on every rebalance, and never closes it: so the producer and
     * the thread that send dead letters are made once per JVM, on first use (a record too large is rare).
     */
    private static KafkaProducer<byte[], byte[]> producer;
    /** Sends dead letters off the stream's threads: this handler may run on the stream producer's I/O thread. */
    private static ExecutorService sender;

    private Map<String, Object> configs;

    @Override
    public void configure(Map<String, ?> configs) {
        this.configs = new HashMap<>(configs);
    }

    private static synchronized void send(Map<String, Object> configs, Runnable sending) {
        if (producer == null) {
            producer = DeadLetterProducer.create(configs);
            sender = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("manager-dead-letters").daemon()
                    .factory());
        }
        sender.execute(sending);
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return exception instanceof org.apache.kafka.common.errors.RetriableException
                    ? ProductionExceptionHandlerResponse.RETRY : ProductionExceptionHandlerResponse.FAIL;
        }
        String taskId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        int size = record.value() == null ? 0 : record.value().length;
        if (record.topic().endsWith("-changelog")) {
            log.error("State of taskId={} ({} bytes) is too large for the changelog {}: kept in memory only, so an "
                    + "instance taking the task over would not see its latest replies", taskId, size, record.topic());
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        String deadLetterTopic = Topics.deadLetterFor(record.topic());
        byte[] kept = record.value() == null ? null : Arrays.copyOf(record.value(), Math.min(size, KEPT_BYTES));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(deadLetterTopic, null, record.key(), kept);
        for (Header header : record.headers()) {
            dead.headers().add(header);
        }
        dead.headers().add("dlt-exception-class", bytes(exception.getClass().getName()));
        dead.headers().add("dlt-exception-message", bytes(exception.getMessage()));
        dead.headers().add("dlt-original-topic", bytes(record.topic()));
        dead.headers().add("dlt-original-size", bytes(String.valueOf(size)));
        dead.headers().add("dlt-value-truncated", bytes(String.valueOf(size > KEPT_BYTES)));
        send(configs, () -> {
            try {
                producer.send(dead, (metadata, failure) -> logOutcome(record.topic(), deadLetterTopic, size, taskId,
                        failure));
            } catch (RuntimeException failure) {
                logOutcome(record.topic(), deadLetterTopic, size, taskId, failure);
            }
        });
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private static void logOutcome(String topic, String deadLetterTopic, int size, String taskId, Exception failure) {
        if (failure == null) {
            log.warn("Dead-lettered a record for {} too large for the broker ({} bytes) to {}: taskId={}", topic, size,
                    deadLetterTopic, taskId);
        } else {
            log.error("Dropped a record for {} too large for the broker ({} bytes); could not dead-letter it to {}: "
                    + "taskId={}: {}", topic, size, deadLetterTopic, taskId, failure.toString());
        }
    }

    private static byte[] bytes(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
