package dev.agentmesh.cli.deadletters;

import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists what the dead-letter topics hold and puts chosen dead letters back on the topic they came from. A replay
 * sends the original key, value and headers (less the dead-letter ones) with {@value DeadLetter#REPLAYED_FROM} naming
 * the dead letter; before sending, the partition the replay would go to is searched for that header from the dead
 * letter's time on, so a dead letter is replayed once unless forced (the mark lasts as long as the topic keeps the
 * replayed record).
 */
public final class DeadLetters {

    private static final String SUFFIX = Topics.deadLetterFor("");
    /** Clocks differ between the machine that dead-lettered and the one that replays: search from a bit earlier. */
    private static final Duration CLOCK_MARGIN = Duration.ofHours(1);

    private final PartitionReader reader;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Clock clock;

    /** @param producer null when only listing */
    public DeadLetters(PartitionReader reader, KafkaProducer<byte[], byte[]> producer, Clock clock) {
        this.reader = reader;
        this.producer = producer;
        this.clock = clock;
    }

    /** The dead-letter topics ({@code *-dlt}) of the cluster. */
    public List<String> topics() {
        return reader.topics().stream().filter(name -> name.endsWith(SUFFIX)).toList();
    }

    /** Every dead letter of {@code topic} (a {@code -dlt} topic), or of every dead-letter topic when null. */
    public List<DeadLetter> list(String topic) {
        List<String> topics;
        if (topic == null) {
            topics = topics();
        } else {
            requireDeadLetterTopic(topic);
            if (reader.partitionsOf(topic).isEmpty()) {
                throw new NoSuchElementException("no topic " + topic);
            }
            topics = List.of(topic);
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (String name : topics) {
            reader.read(reader.partitionsOf(name), null, r -> true).stream().map(DeadLetter::of).forEach(letters::add);
        }
        letters.sort(Comparator.comparing(DeadLetter::topic).thenComparing(DeadLetter::deadLetteredAt)
                .thenComparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset));
        return letters;
    }

    /**
     * Where a dead letter of a topic: {@code <partition>:<offset>}, or a bare offset when the topic has one
     * partition.
     */
    public record Address(int partition, long offset) {

        static Address parse(String text, int partitions) {
            String[] parts = text.split(":", -1);
            try {
                if (parts.length == 2) {
                    return new Address(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                }
                if (parts.length == 1) {
                    if (partitions != 1) {
                        throw new IllegalArgumentException("'" + text + "': the topic has " + partitions
                                + " partitions; name the dead letter as <partition>:<offset> (mesh dlt list shows them)");
                    }
                    return new Address(0, Long.parseLong(parts[0]));
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("'" + text + "' is not <partition>:<offset> or <offset>");
        }
    }

    /**
     * What one replay did.
     *
     * @param replayed false when it was refused; {@code message} then says why
     */
    public record Replay(String deadLetter, boolean replayed, String topic, Integer partition, Long offset,
                         String message) {
    }

    /** Replays the dead letters at {@code addresses} of {@code topic}, one after the other; each is judged alone. */
    public List<Replay> replay(String topic, List<String> addresses, boolean force) {
        requireDeadLetterTopic(topic);
        int partitions = reader.partitionsOf(topic).size();
        if (partitions == 0) {
            throw new NoSuchElementException("no topic " + topic);
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("name at least one dead letter (<partition>:<offset>) to replay");
        }
        List<Address> parsed = addresses.stream().map(a -> Address.parse(a, partitions)).toList();
        List<Replay> replays = new ArrayList<>();
        for (Address address : parsed) {
            replays.add(replayOne(topic, partitions, address, force));
        }
        return replays;
    }

    private Replay replayOne(String topic, int partitions, Address address, boolean force) {
        String name = topic + "/" + address.partition() + "/" + address.offset();
        if (address.partition() < 0 || address.partition() >= partitions) {
            return refused(name, topic + " has no partition " + address.partition());
        }
        ConsumerRecord<byte[], byte[]> record = reader.recordAt(new TopicPartition(topic, address.partition()),
                address.offset()).orElse(null);
        if (record == null) {
            return refused(name, "no record at offset " + address.offset() + " (removed by retention, or not written)");
        }
        DeadLetter letter = DeadLetter.of(record);
        String expected = topic.substring(0, topic.length() - SUFFIX.length());
        if (letter.originalTopic() == null) {
            return refused(name, "no header names its original topic");
        }
        if (!letter.originalTopic().equals(expected)) {
            return refused(name, "its header names " + letter.originalTopic() + ", but dead letters of " + expected
                    + " only come from " + expected);
        }
        if (letter.valueTruncated()) {
            return refused(name, "only the first " + letter.valueBytes() + " bytes of the record were kept (it was too "
                    + "large for the broker); replaying them would publish a broken record");
        }
        List<TopicPartition> target = reader.partitionsOf(expected);
        if (target.isEmpty()) {
            return refused(name, "its original topic " + expected + " does not exist");
        }
        Integer partition = record.key() == null && letter.originalPartition() != null
                && letter.originalPartition() < target.size() ? letter.originalPartition() : null;
        if (!force) {
            List<TopicPartition> searched = record.key() != null
                    ? List.of(reader.partitionForKey(expected, record.key()).orElseThrow())
                    : partition != null ? List.of(new TopicPartition(expected, partition)) : target;
            byte[] mark = name.getBytes(StandardCharsets.UTF_8);
            List<ConsumerRecord<byte[], byte[]>> earlier = reader.read(searched,
                    letter.deadLetteredAt().minus(CLOCK_MARGIN), r -> {
                        Header from = r.headers().lastHeader(DeadLetter.REPLAYED_FROM);
                        return from != null && java.util.Arrays.equals(from.value(), mark);
                    });
            if (!earlier.isEmpty()) {
                ConsumerRecord<byte[], byte[]> first = earlier.getFirst();
                return refused(name, "already replayed to " + first.topic() + "-" + first.partition() + "@"
                        + first.offset() + " at " + Instant.ofEpochMilli(first.timestamp()) + "; --force replays again");
            }
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!DeadLetter.isDeadLetterHeader(header.key())) {
                headers.add(header);
            }
        }
        headers.add(DeadLetter.REPLAYED_FROM, name.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.REPLAYED_AT, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> replay = new ProducerRecord<>(expected, partition, record.key(), record.value(),
                headers);
        try {
            RecordMetadata sent = producer.send(replay).get(30, TimeUnit.SECONDS);
            return new Replay(name, true, sent.topic(), sent.partition(), sent.offset(),
                    "replayed to " + sent.topic() + "-" + sent.partition() + "@" + sent.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return refused(name, "the broker did not take it: " + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage());
        }
    }

    private static Replay refused(String name, String why) {
        return new Replay(name, false, null, null, null, why);
    }

    private static void requireDeadLetterTopic(String topic) {
        if (topic == null || !topic.endsWith(SUFFIX) || topic.length() == SUFFIX.length()) {
            throw new IllegalArgumentException("'" + topic + "' is not a dead-letter topic (<topic>" + SUFFIX + ")");
        }
    }
}
