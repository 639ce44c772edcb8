import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Asks the agents one question the way the gateway does: publishes an agent-task-requested event on agent-tasks
 * and prints the agent-task-completed result from agent-results. Run by ask.sh with the broker's jars.
 */
public class Ask {

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String question = String.join(" ", args);
        ObjectMapper json = new ObjectMapper();
        String taskId = UUID.randomUUID().toString();
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("type", "agent-task-requested");
        task.put("eventId", UUID.randomUUID().toString());
        task.put("occurredAt", Instant.now().toString());
        task.put("schemaVersion", 1);
        task.put("taskId", taskId);
        task.put("conversationId", "ask-cli");
        task.put("request", question);
        task.put("context", List.of());
        task.put("deadline", Instant.now().plusSeconds(8).toString());
        task.put("replyTo", "ask-cli");

        Map<String, Object> clients = Map.of("bootstrap.servers", bootstrap);
        try (var consumer = new KafkaConsumer<>(clients, new StringDeserializer(), new StringDeserializer());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "linger.ms", 0),
                     new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("agent-results").stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>("agent-tasks", taskId, json.writeValueAsString(task))).get();
            while (Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (taskId.equals(record.key())) {
                        print(taskId, json.readTree(record.value()), Duration.ofNanos(System.nanoTime() - start));
                        return;
                    }
                }
            }
            System.err.println("No result within 15 s: is the manager running? (deploy/local/run/logs/)");
            System.exit(1);
        }
    }

    private static void print(String taskId, JsonNode result, Duration took) {
        System.out.printf("Result in %d ms (task %s: deploy/local/mesh.sh timeline %s)%n", took.toMillis(), taskId,
                taskId);
        for (JsonNode outcome : result.path("outcomes")) {
            String text = outcome.path("status").asText().equals("answered")
                    ? outcome.path("answer").asText() : outcome.path("reason").asText();
            System.out.printf("[stage %d] %s (%s%s):%n  %s%n", outcome.path("stage").asInt(),
                    outcome.path("agent").asText(), outcome.path("status").asText(),
                    outcome.has("durationMs") ? ", " + outcome.path("durationMs").asLong() + " ms" : "",
                    text.replace("\n", "\n  "));
        }
        if (result.path("outcomes").isEmpty()) {
            System.out.println("No agent was live to ask.");
        }
    }
}
