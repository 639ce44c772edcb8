package dev.agentmesh.benchmarks;

import dev.agentmesh.events.AgentReply;
import dev.agentmesh.events.Event;
import dev.agentmesh.events.SubtaskCompleted;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.events.Topics;
import dev.agentmesh.events.kafka.EventDeserializer;
import dev.agentmesh.events.kafka.EventSerializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.agentmesh.benchmarks.Samples.fmt;

/**
 * Head-of-line blocking on one partition: a slow subtask, then fast subtasks of other tasks behind it on the same
 * partition of the agent's request topic, and how long the fast ones take to be answered. The same agent service
 * (the SDK's runtime on the real broker) runs once with {@code agent.max-in-flight=1}, which is how the SDK ran
 * subtasks before (one at a time per partition), and once with more, in the same run. Subtasks go straight to
 * {@code <agent>-requests} partition 0 and replies are read from agent-replies; no manager is involved.
 */
final class HeadOfLineBenchmark {

    private static final Logger log = LoggerFactory.getLogger(HeadOfLineBenchmark.class);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** One setting's numbers: reply latency of the fast subtasks and of the slow ones. */
    record Row(int maxInFlight, Samples fast, Samples slow) {
    }

    record Results(Duration slowWork, int rounds, int fastPerRound, Duration fastSpacing, List<Row> rows) {

        /**
         * The RESULTS.md section, between markers so a run of this benchmark alone can replace it; {@code note}
         * (may be empty) says when and where it ran if that is not the run described at the top.
         */
        String markdown(String note) {
            StringBuilder out = new StringBuilder();
            out.append(START).append('\n');
            out.append("## Head-of-line blocking on one partition\n\n");
            if (!note.isEmpty()) {
                out.append(note).append("\n\n");
            }
            out.append(String.format(Locale.ROOT, "One agent service (the SDK's runtime, real broker), subtasks "
                    + "published straight to partition 0 of its request topic: per round one slow subtask (%d ms "
                    + "of work), then %d fast subtasks of other tasks (no work) %d ms apart behind it; %d rounds, "
                    + "each after the previous one's replies. Latency is from just before a subtask is published to "
                    + "the moment its reply is polled from agent-replies. `agent.max-in-flight=1` runs one subtask "
                    + "at a time, which on one partition is what the SDK did before; both settings run in the same JVM one after the other. "
                    + "`benchmarks/run.sh --head-of-line` runs this section alone.%n%n",
                    slowWork.toMillis(), fastPerRound, fastSpacing.toMillis(), rounds));
            out.append("| agent.max-in-flight | fast n | failed | fast p50 | fast p90 | fast p99 | fast max | "
                    + "slow p50 | fast p50 ÷ max-in-flight 1 |\n");
            out.append("|---|---|---|---|---|---|---|---|---|\n");
            double baseline = rows.stream().filter(r -> r.maxInFlight() == 1).findFirst()
                    .map(r -> r.fast().p50()).orElse(Double.NaN);
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %s | %s | %s | %s | %s |%n",
                        row.maxInFlight(), row.fast().count(), row.fast().failures(), fmt(row.fast().p50()),
                        fmt(row.fast().p90()), fmt(row.fast().p99()), fmt(row.fast().max()), fmt(row.slow().p50()),
                        Double.isNaN(baseline) ? "n/a" : String.format(Locale.ROOT, "%.3f×",
                                row.fast().p50() / baseline)));
            }
            out.append('\n').append(END).append('\n');
            return out.toString();
        }
    }

    static final String START = "<!-- head-of-line: generated -->";
    static final String END = "<!-- /head-of-line -->";

    private final Services services;

    HeadOfLineBenchmark(Services services) {
        this.services = services;
    }

    Results run(List<Integer> maxInFlights, int rounds, int fastPerRound, Duration slowWork, Duration fastSpacing)
            throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int maxInFlight : maxInFlights) {
            rows.add(measure(maxInFlight, rounds, fastPerRound, slowWork, fastSpacing));
        }
        return new Results(slowWork, rounds, fastPerRound, fastSpacing, rows);
    }

    private Row measure(int maxInFlight, int rounds, int fastPerRound, Duration slowWork, Duration fastSpacing)
            throws InterruptedException {
        // Its own agent per setting, so its own request topic and consumer group.
        SimulatedAgent agent = new SimulatedAgent("hol" + maxInFlight, "Head-of-line probe", Duration.ZERO);
        agent.start(services.bootstrapServers(), List.of("agent.max-in-flight=" + maxInFlight));
        try (Replies replies = new Replies(services.bootstrapServers())) {
            String topic = Topics.requestsFor(agent.name());
            awaitAnswering(replies, agent.name(), topic);
            Samples.Recorder fast = new Samples.Recorder();
            Samples.Recorder slow = new Samples.Recorder();
            int failures = 0;
            for (int round = 0; round < rounds; round++) {
                List<Pending> pending = new ArrayList<>();
                pending.add(replies.publish(topic, agent.name(), SimulatedAgent.SLEEP + slowWork.toMillis(), true));
                for (int i = 0; i < fastPerRound; i++) {
                    Thread.sleep(fastSpacing);
                    pending.add(replies.publish(topic, agent.name(), "fast", false));
                }
                for (Pending p : pending) {
                    try {
                        long at = p.reply().get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
                        (p.slow() ? slow : fast).add(at - p.sentAt());
                    } catch (ExecutionException | TimeoutException e) {
                        failures++;
                    }
                }
            }
            Row row = new Row(maxInFlight, Samples.of(fast.toArray(), failures), Samples.of(slow.toArray(), 0));
            log.info("head-of-line, max-in-flight {}: fast {}; slow {}", maxInFlight, row.fast(), row.slow());
            return row;
        } finally {
            agent.close();
        }
    }

    /** Until the agent holds its partitions and answers: one fast subtask at a time, up to 120 s. */
    private static void awaitAnswering(Replies replies, String agent, String topic) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < giveUp) {
            try {
                replies.publish(topic, agent, "warm-up", false).reply().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                // not assigned yet
            }
        }
        throw new IllegalStateException("agent " + agent + " did not answer within 120 s");
    }

    private record Pending(long sentAt, boolean slow, CompletableFuture<Long> reply) {
    }

    /** Publishes subtasks to partition 0 and reads agent-replies (all partitions, from the end, no group). */
    private static final class Replies implements AutoCloseable {
        private final KafkaProducer<String, Event> producer;
        private final KafkaConsumer<String, Event> consumer;
        private final Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread poller;

        Replies(String bootstrapServers) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new EventSerializer());
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new EventDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGENT_REPLIES).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            poller = Thread.ofPlatform().name("bench-replies-poller").start(this::poll);
        }

        Pending publish(String topic, String agent, String text, boolean slow) {
            String taskId = "task_" + UUID.randomUUID().toString().replace("-", "");
            CompletableFuture<Long> reply = new CompletableFuture<>();
            waiting.put(taskId, reply);
            SubtaskRequested subtask = SubtaskRequested.of(taskId, "conv_bench_" + taskId, agent, text, List.of(),
                    List.of(), 1, Instant.now().plus(DEADLINE));
            long sentAt = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, 0, taskId, subtask), (metadata, error) -> {
                if (error != null) {
                    waiting.remove(taskId);
                    reply.completeExceptionally(error);
                }
            });
            return new Pending(sentAt, slow, reply);
        }

        private void poll() {
            while (running.get()) {
                for (ConsumerRecord<String, Event> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    if (record.value() instanceof AgentReply reply) {
                        CompletableFuture<Long> future = waiting.remove(reply.taskId());
                        if (future != null) {
                            if (reply instanceof SubtaskCompleted) {
                                future.complete(now);
                            } else {
                                future.completeExceptionally(new IllegalStateException("the subtask failed"));
                            }
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            running.set(false);
            try {
                poller.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            consumer.close();
            producer.close();
        }
    }
}
