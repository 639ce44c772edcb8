package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The audio hot path's parser-free look accepts only what the strict streaming pass accepts. */
class PlainAppendTests {

    private static final List<String> ACCEPTED = List.of(
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAEC\"}",
            "{\"event_id\":\"e1\",\"type\":\"input_audio_buffer.append\",\"audio\":\"AAEC\"}",
            " { \"audio\" : \"AA==\" ,\n\t\"type\" : \"input_audio_buffer.append\" } \r\n");

    private static final List<String> NOT_ACCEPTED = List.of(
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\",\"type\":\"session.update\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\",\"audio\":\"BB\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\",\"extra\":{\"n\":1}}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\",\"event_id\":\"gw_1\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\"}{\"type\":\"session.update\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\"",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":12}",
            "{\"type\":\"input_audio_buffer.append\"}",
            "{\"audio\":\"AA\"}",
            "{\"type\":\"input_audio_buffer.commit\",\"audio\":\"AA\"}",
            "{\"typ\\u0065\":\"input_audio_buffer.append\",\"audio\":\"AA\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"A\\nA\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"A\u0001A\"}",
            "[{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\"}]",
            "");

    @Test
    void acceptsPlainAppendsWrittenWithoutEscapes() {
        for (String frame : ACCEPTED) {
            assertThat(ClientEventPolicy.isPlainAppendWithoutEscapes(frame)).as(frame).isTrue();
            assertThat(ClientEventPolicy.isPlainAppend(frame)).as(frame).isTrue();
        }
    }

    @Test
    void leavesEverythingElseToTheStrictPass() {
        for (String frame : NOT_ACCEPTED) {
            assertThat(ClientEventPolicy.isPlainAppendWithoutEscapes(frame)).as(frame).isFalse();
        }
    }
}
