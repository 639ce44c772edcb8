package dev.agentmesh.cli.deadletters;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading both header sets dead letters carry, and naming a dead letter to replay. */
class DeadLetterTests {

    @Test
    void readsSpringKafkasBinaryHeadersAndPrefersTheCausesClass() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("kafka_dlt-original-topic", bytes("weather-requests"));
        headers.add("kafka_dlt-original-partition", ByteBuffer.allocate(4).putInt(3).array());
        headers.add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(1234567890123L).array());
        headers.add("kafka_dlt-original-timestamp", ByteBuffer.allocate(8).putLong(1_700_000_000_000L).array());
        headers.add("kafka_dlt-original-consumer-group", bytes("weather-agent"));
        headers.add("kafka_dlt-exception-fqcn", bytes("org.springframework.kafka.listener.ListenerExecutionFailedException"));
        headers.add("kafka_dlt-exception-cause-fqcn", bytes("dev.agentmesh.events.InvalidEventException"));
        headers.add("kafka_dlt-exception-message", bytes("Listener failed;\nnot a valid event"));

        DeadLetter letter = DeadLetter.of(record("weather-requests-dlt", "task-1", "{\"type\":\"x\"}", headers));

        assertThat(letter.originalTopic()).isEqualTo("weather-requests");
        assertThat(letter.originalPartition()).isEqualTo(3);
        assertThat(letter.originalOffset()).isEqualTo(1234567890123L);
        assertThat(letter.originalTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(letter.consumerGroup()).isEqualTo("weather-agent");
        assertThat(letter.exceptionClass()).isEqualTo("dev.agentmesh.events.InvalidEventException");
        assertThat(letter.reason()).isEqualTo("Listener failed; not a valid event");
        assertThat(letter.key()).isEqualTo("task-1");
        assertThat(letter.valuePreview()).isEqualTo("{\"type\":\"x\"}");
        assertThat(letter.valueTruncated()).isFalse();
        assertThat(letter.address()).isEqualTo("weather-requests-dlt/1/7");
    }

    @Test
    void readsTheStreamsHandlersTextHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlt-original-topic", bytes("agent-replies"));
        headers.add("dlt-original-partition", bytes("5"));
        headers.add("dlt-original-offset", bytes("42"));
        headers.add("dlt-exception-class", bytes("dev.agentmesh.events.InvalidEventException"));
        headers.add("dlt-exception-message", bytes("not a valid event: empty record"));
        headers.add("dlt-value-truncated", bytes("true"));

        DeadLetter letter = DeadLetter.of(record("agent-replies-dlt", null, null, headers));

        assertThat(letter.originalPartition()).isEqualTo(5);
        assertThat(letter.originalOffset()).isEqualTo(42);
        assertThat(letter.reason()).isEqualTo("not a valid event: empty record");
        assertThat(letter.valueTruncated()).isTrue();
        assertThat(letter.key()).isNull();
        assertThat(letter.valuePreview()).isNull();
    }

    @Test
    void aPreviewIsOneShortLineWithControlCharactersShown() {
        DeadLetter letter = DeadLetter.of(record("t-dlt", "k", "line one\nline\u0007two " + "x".repeat(200),
                new RecordHeaders()));

        assertThat(letter.valuePreview()).startsWith("line one line\\u0007two xxx").endsWith("…").hasSize(80);
        assertThat(letter.originalTopic()).isNull();
        assertThat(letter.reason()).isNull();
    }

    @Test
    void leavesTheDeadLetterHeadersBehindAndKeepsTheOthers() {
        assertThat(DeadLetter.isDeadLetterHeader("kafka_dlt-exception-stacktrace")).isTrue();
        assertThat(DeadLetter.isDeadLetterHeader("dlt-original-size")).isTrue();
        assertThat(DeadLetter.isDeadLetterHeader("springDeserializerExceptionValue")).isTrue();
        assertThat(DeadLetter.isDeadLetterHeader(DeadLetter.REPLAYED_FROM)).isTrue();
        assertThat(DeadLetter.isDeadLetterHeader("traceparent")).isFalse();
        assertThat(DeadLetter.isDeadLetterHeader("b3")).isFalse();
    }

    @Test
    void namesADeadLetterByPartitionAndOffsetOrByOffsetAloneInASinglePartitionTopic() {
        assertThat(DeadLetters.Address.parse("2:17", 6)).isEqualTo(new DeadLetters.Address(2, 17));
        assertThat(DeadLetters.Address.parse("17", 1)).isEqualTo(new DeadLetters.Address(0, 17));
        assertThatThrownBy(() -> DeadLetters.Address.parse("17", 6)).hasMessageContaining("<partition>:<offset>");
        assertThatThrownBy(() -> DeadLetters.Address.parse("a:b", 6)).hasMessageContaining("is not <partition>:<offset>");
        assertThatThrownBy(() -> DeadLetters.Address.parse("1:2:3", 6)).hasMessageContaining("is not");
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, String value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 1, 7, 1_700_000_100_000L, TimestampType.CREATE_TIME, 0, 0,
                key == null ? null : bytes(key), value == null ? null : bytes(value), headers, Optional.empty());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
