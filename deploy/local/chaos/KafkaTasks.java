import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Kafka-level client for chaos.sh: publishes one task per partition of agent-tasks (so every manager instance
 * and every agent replica owns at least one of them), prints PUBLISHED, then watches agent-results and
 * agent-replies for those tasks for a fixed time and counts results and replies per task and agent.
 *
 * <pre>
 * [--request TEXT] [--deadline-s 8] [--watch-s 25]
 *   TASK id=.. partition=.. results=.. first_result_ms=.. partial=.. outcomes=agent:status,.. replies=agent:n,..
 *   SUMMARY tasks=.. with_one_result=.. duplicate_results=.. missing=.. complete=.. partial=.. duplicate_replies=..
 * </pre>
 */
public class KafkaTasks {

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String request = option(args, "--request", "What's the weather in Paris and any news about France?");
        long deadlineSeconds = Long.parseLong(option(args, "--deadline-s", "8"));
        long watchSeconds = Long.parseLong(option(args, "--watch-s", "25"));
        ObjectMapper json = new ObjectMapper();

        Map<String, Object> clients = Map.of("bootstrap.servers", bootstrap);
        try (var consumer = new KafkaConsumer<>(clients, new StringDeserializer(), new StringDeserializer());
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "linger.ms", 0),
                     new StringSerializer(), new StringSerializer())) {
            int partitions = consumer.partitionsFor("agent-tasks").size();
            List<TopicPartition> watched = Stream.of("agent-results", "agent-replies")
                    .flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(watched);
            consumer.seekToEnd(watched);
            watched.forEach(consumer::position);

            // One task id per partition: the key's murmur2 hash picks the partition, as the producer does.
            Map<String, Integer> tasks = new LinkedHashMap<>();
            boolean[] covered = new boolean[partitions];
            while (tasks.size() < partitions) {
                String id = UUID.randomUUID().toString();
                int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
                if (!covered[partition]) {
                    covered[partition] = true;
                    tasks.put(id, partition);
                }
            }
            long start = System.nanoTime();
            for (String taskId : tasks.keySet()) {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("type", "agent-task-requested");
                task.put("eventId", UUID.randomUUID().toString());
                task.put("occurredAt", Instant.now().toString());
                task.put("schemaVersion", 1);
                task.put("taskId", taskId);
                task.put("conversationId", "chaos-" + taskId.substring(0, 8));
                task.put("request", request);
                task.put("context", List.of());
                task.put("deadline", Instant.now().plusSeconds(deadlineSeconds).toString());
                task.put("replyTo", "chaos-cli");
                producer.send(new ProducerRecord<>("agent-tasks", taskId, json.writeValueAsString(task))).get();
            }
            System.out.println("PUBLISHED " + tasks.size());
            System.out.flush();

            Map<String, List<JsonNode>> results = new HashMap<>();
            Map<String, Long> firstResultMs = new HashMap<>();
            Map<String, Map<String, Integer>> replies = new HashMap<>();
            while (Duration.ofNanos(System.nanoTime() - start).toSeconds() < watchSeconds) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!tasks.containsKey(record.key())) {
                        continue;
                    }
                    JsonNode event = json.readTree(record.value());
                    if (record.topic().equals("agent-results")) {
                        results.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event);
                        firstResultMs.putIfAbsent(record.key(), (System.nanoTime() - start) / 1_000_000);
                    } else {
                        replies.computeIfAbsent(record.key(), k -> new LinkedHashMap<>())
                                .merge(event.path("agent").asText(), 1, Integer::sum);
                    }
                }
            }

            int one = 0, duplicates = 0, missing = 0, complete = 0, partial = 0, duplicateReplies = 0;
            for (Map.Entry<String, Integer> task : tasks.entrySet()) {
                List<JsonNode> got = results.getOrDefault(task.getKey(), List.of());
                Map<String, Integer> byAgent = replies.getOrDefault(task.getKey(), Map.of());
                duplicateReplies += (int) byAgent.values().stream().filter(n -> n > 1).count();
                if (got.isEmpty()) {
                    missing++;
                } else if (got.size() == 1) {
                    one++;
                } else {
                    duplicates++;
                }
                List<String> outcomes = new ArrayList<>();
                boolean isPartial = false;
                if (!got.isEmpty()) {
                    JsonNode result = got.getFirst();
                    for (JsonNode outcome : result.path("outcomes")) {
                        isPartial |= !outcome.path("status").asText().equals("answered");
                    }
                    isPartial |= result.path("outcomes").isEmpty();
                    if (isPartial) {
                        partial++;
                    } else {
                        complete++;
                    }
                    for (JsonNode outcome : result.path("outcomes")) {
                        outcomes.add(outcome.path("agent").asText() + ":" + outcome.path("status").asText());
                    }
                }
                List<String> replyCounts = new ArrayList<>();
                byAgent.forEach((agent, n) -> replyCounts.add(agent + ":" + n));
                System.out.printf("TASK id=%s partition=%d results=%d first_result_ms=%s partial=%s outcomes=%s replies=%s%n",
                        task.getKey(), task.getValue(), got.size(), firstResultMs.getOrDefault(task.getKey(), -1L),
                        got.isEmpty() ? "-" : isPartial, outcomes.isEmpty() ? "-" : String.join(",", outcomes),
                        replyCounts.isEmpty() ? "-" : String.join(",", replyCounts));
            }
            System.out.printf("SUMMARY tasks=%d with_one_result=%d duplicate_results=%d missing=%d complete=%d partial=%d duplicate_replies=%d%n",
                    tasks.size(), one, duplicates, missing, complete, partial, duplicateReplies);
        }
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
