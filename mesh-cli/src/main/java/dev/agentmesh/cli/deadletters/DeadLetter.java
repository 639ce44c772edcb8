package dev.agentmesh.cli.deadletters;

import dev.agentmesh.cli.Text;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One record of a {@code <topic>-dlt}, with what its headers say about where it came from and why it failed. Two
 * writers put dead letters there, with different headers:
 * <ul>
 *     <li>Spring Kafka's {@code DeadLetterPublishingRecoverer} (every {@code @KafkaListener} and agent on the SDK):
 *     {@code kafka_dlt-original-topic}, {@code -original-partition} (4-byte int), {@code -original-offset} and
 *     {@code -original-timestamp} (8-byte longs), {@code -original-consumer-group}, {@code kafka_dlt-exception-fqcn},
 *     {@code -exception-cause-fqcn} and {@code -exception-message} (the {@code kafka_dlt-key-exception-*} ones when the
 *     key could not be read);</li>
 *     <li>the Kafka Streams services' handlers in mesh-kafka and agent-manager: {@code dlt-original-topic},
 *     {@code dlt-original-partition} and {@code dlt-original-offset} (as text), {@code dlt-exception-class},
 *     {@code dlt-exception-message}, and for a record too large for the broker {@code dlt-original-size} and
 *     {@code dlt-value-truncated} (only its first 8 KB are kept).</li>
 * </ul>
 *
 * @param deadLetteredAt the dead letter's own timestamp
 * @param originalPartition null when the record never had one (it was refused on its way to the broker)
 * @param exceptionClass the failure's class (the cause's, when Spring names one), or null when no header says
 * @param valueTruncated true when the value is only the beginning of the original: such a record cannot be replayed
 * @param replayOf the dead letter this record is a replay of ({@code topic/partition/offset}), when it failed again
 */
public record DeadLetter(String topic, int partition, long offset, Instant deadLetteredAt, String originalTopic,
                         Integer originalPartition, Long originalOffset, Instant originalTimestamp,
                         String exceptionClass, String reason, String consumerGroup, String key, int valueBytes,
                         String valuePreview, boolean valueTruncated, String replayOf) {

    static final String SPRING = "kafka_dlt-";
    static final String STREAMS = "dlt-";
    /** Where a replayed record came from: {@code <dlt-topic>/<partition>/<offset>}. */
    public static final String REPLAYED_FROM = "mesh-replayed-from";
    /** When it was replayed (ISO-8601). */
    public static final String REPLAYED_AT = "mesh-replayed-at";

    private static final int PREVIEW = 80;

    /** {@code <topic>/<partition>/<offset>}: how a replay names the dead letter it came from. */
    public String address() {
        return topic + "/" + partition + "/" + offset;
    }

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String originalTopic = firstText(headers, SPRING + "original-topic", STREAMS + "original-topic");
        Long originalPartition = firstNumber(headers, SPRING + "original-partition", STREAMS + "original-partition");
        Long originalOffset = firstNumber(headers, SPRING + "original-offset", STREAMS + "original-offset");
        Long originalTimestamp = firstNumber(headers, SPRING + "original-timestamp");
        String exceptionClass = firstText(headers, SPRING + "exception-cause-fqcn", SPRING + "exception-fqcn",
                SPRING + "key-exception-cause-fqcn", SPRING + "key-exception-fqcn", STREAMS + "exception-class");
        String reason = firstText(headers, SPRING + "exception-message", SPRING + "key-exception-message",
                STREAMS + "exception-message");
        byte[] value = record.value();
        return new DeadLetter(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), originalTopic,
                originalPartition == null ? null : originalPartition.intValue(), originalOffset,
                originalTimestamp == null ? null : Instant.ofEpochMilli(originalTimestamp), exceptionClass,
                reason == null ? null : Text.preview(reason, 200),
                firstText(headers, SPRING + "original-consumer-group"),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                value == null ? 0 : value.length,
                value == null ? null : Text.preview(new String(value, 0, Math.min(value.length, 4 * PREVIEW),
                        StandardCharsets.UTF_8), PREVIEW),
                "true".equals(firstText(headers, STREAMS + "value-truncated")),
                firstText(headers, REPLAYED_FROM));
    }

    /** True for headers a dead-letter writer or an earlier replay added, which a replay leaves behind. */
    static boolean isDeadLetterHeader(String name) {
        return name.startsWith(SPRING) || name.startsWith(STREAMS) || name.startsWith("springDeserializerException")
                || name.equals(REPLAYED_FROM) || name.equals(REPLAYED_AT);
    }

    private static String firstText(Headers headers, String... names) {
        for (String name : names) {
            Header header = headers.lastHeader(name);
            if (header != null && header.value() != null) {
                return new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Spring writes numbers as big-endian ints and longs, the Streams handlers as text. */
    private static Long firstNumber(Headers headers, String... names) {
        for (String name : names) {
            Header header = headers.lastHeader(name);
            if (header == null || header.value() == null) {
                continue;
            }
            byte[] bytes = header.value();
            if (name.startsWith(SPRING) && bytes.length == Integer.BYTES) {
                return (long) ByteBuffer.wrap(bytes).getInt();
            }
            if (name.startsWith(SPRING) && bytes.length == Long.BYTES) {
                return ByteBuffer.wrap(bytes).getLong();
            }
            try {
                return Long.parseLong(new String(bytes, StandardCharsets.UTF_8).trim());
            } catch (NumberFormatException unreadable) {
                return null;
            }
        }
        return null;
    }
}
