package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The audio hot path's parser-free look on the frame's bytes accepts only what the strict streaming pass accepts. */
class PlainAppendTests {

    private final List<ByteBuf> directs = new ArrayList<>();

    private static final List<String> ACCEPTED = List.of(
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAEC\"}",
            "{\"event_id\":\"e1\",\"type\":\"input_audio_buffer.append\",\"audio\":\"AAEC\"}",
            " { \"audio\" : \"AA==\" ,\n\t\"type\" : \"input_audio_buffer.append\" } \r\n",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "QUJD".repeat(320) + "\"}");

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
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "QUJD".repeat(320) + "\\\"\"}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + "QUJD".repeat(320) + "\"",
            "[{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA\"}]",
            "");

    @Test
    void acceptsPlainAppendsWrittenWithoutEscapes() {
        for (String frame : ACCEPTED) {
            for (ByteBuf bytes : buffers(frame)) {
                assertThat(PlainAppendScan.test(bytes)).as(frame).isTrue();
            }
            assertThat(ClientEventPolicy.isPlainAppend(frame)).as(frame).isTrue();
        }
    }

    @Test
    void leavesEverythingElseToTheStrictPass() {
        for (String frame : NOT_ACCEPTED) {
            for (ByteBuf bytes : buffers(frame)) {
                assertThat(PlainAppendScan.test(bytes)).as(frame).isFalse();
            }
        }
    }

    @Test
    void looksOnlyAtTheReadableBytes() {
        String frame = ACCEPTED.getFirst();
        ByteBuf bytes = Unpooled.buffer();
        bytes.writeBytes("xx\"".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(frame.getBytes(StandardCharsets.UTF_8));
        bytes.readerIndex(3);
        assertThat(PlainAppendScan.test(bytes)).isTrue();
        assertThat(bytes.readerIndex()).isEqualTo(3);
        bytes.writeByte('x');
        assertThat(PlainAppendScan.test(bytes)).isFalse();
    }

    /** Each byte that ends or escapes a string is found in every one of the eight places of a word, and at the tail. */
    @Test
    void findsTheFirstSpecialByteAtEveryOffset() {
        for (int length = 1; length <= 40; length++) {
            for (int place = 0; place < length; place++) {
                for (int special : new int[] {'"', '\\', 0x00, 0x01, 0x1F, 0x0A}) {
                    byte[] string = new byte[length + 2];
                    string[0] = '"';
                    for (int i = 1; i < string.length; i++) {
                        // the bytes around it: just above the special ones, and a multi-byte sequence's bytes
                        string[i] = (byte) (i % 3 == 0 ? 0x20 : i % 3 == 1 ? 0xC3 : 0x5D);
                    }
                    string[1 + place] = (byte) special;
                    string[string.length - 1] = '"';
                    for (ByteBuf bytes : List.of(Unpooled.wrappedBuffer(string), direct(string))) {
                        int expected = special == '"' ? 1 + place : -1;
                        assertThat(PlainAppendScan.stringEnd(bytes, 0, string.length))
                                .as("length %d, 0x%02x at %d", length, special, place).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void marksExactlyTheSpecialBytesOfAWord() {
        for (int b = 0; b < 256; b++) {
            for (int lane = 0; lane < 8; lane++) {
                long word = 0x4141414141414141L & ~(0xFFL << (8 * lane)) | ((long) b << (8 * lane));
                boolean special = b == '"' || b == '\\' || b < 0x20;
                assertThat(PlainAppendScan.special(word)).as("0x%02x in byte %d", b, lane)
                        .isEqualTo(special ? 0x80L << (8 * lane) : 0L);
            }
        }
    }

    /**
     * Thousands of frames written elsewhere than in the cases above: plain appends with bytes changed, put in or
     * taken out at random. Whatever the byte scan accepts, the strict pass on the decoded text accepts too.
     */
    @Test
    void acceptsNothingTheStrictPassRefuses() {
        Random random = new Random(20261206);
        byte[] alphabet = "\"\\{}[],: \t\n\r\u0001\u001fAa0=+/_etypdionaudv".getBytes(StandardCharsets.ISO_8859_1);
        String[] seeds = {
                "{\"type\":\"input_audio_buffer.append\",\"audio\":\"QUJDREVGR0hJSktMTU5PUA==\"}",
                "{\"event_id\":\"e_7\",\"audio\":\"QUJDREVG\",\"type\":\"input_audio_buffer.append\"}"};
        int acceptedMutants = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] frame = seeds[round % seeds.length].getBytes(StandardCharsets.UTF_8);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                frame = mutate(frame, random, alphabet);
            }
            ByteBuf bytes = Unpooled.wrappedBuffer(frame);
            if (PlainAppendScan.test(bytes)) {
                acceptedMutants++;
                String text = bytes.toString(StandardCharsets.UTF_8);
                assertThat(ClientEventPolicy.isPlainAppend(text)).as(text).isTrue();
            }
        }
        // the fuzzing reached frames the scan accepts (changed audio, spaces), not only ones it refuses
        assertThat(acceptedMutants).isGreaterThan(1_000);
    }

    /** An overlong UTF-8 quote (0xC0 0xA2) decodes to replacement characters, never to a quote. */
    @Test
    void anOverlongQuoteStaysInsideTheString() {
        byte[] head = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AA".getBytes(StandardCharsets.UTF_8);
        byte[] tail = ",\"type\":\"session.update\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer();
        frame.writeBytes(head).writeByte(0xC0).writeByte(0xA2).writeBytes(tail).writeByte('"').writeByte('}');
        // the scan reads one string running to the last quote, so the frame is one unbalanced object: refused
        assertThat(PlainAppendScan.test(frame)).isFalse();
        ByteBuf closed = Unpooled.buffer();
        closed.writeBytes(head).writeByte(0xC0).writeByte(0xA2).writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(PlainAppendScan.test(closed)).isTrue();
        String decoded = closed.toString(StandardCharsets.UTF_8);
        assertThat(decoded).contains("\uFFFD");
        assertThat(ClientEventPolicy.isPlainAppend(decoded)).isTrue();
    }

    private static byte[] mutate(byte[] frame, Random random, byte[] alphabet) {
        int at = random.nextInt(frame.length + 1);
        byte b = alphabet[random.nextInt(alphabet.length)];
        return switch (random.nextInt(3)) {
            case 0 -> splice(frame, at, new byte[] {b}, 0);
            case 1 -> at < frame.length ? splice(frame, at, new byte[0], 1) : frame;
            default -> at < frame.length ? splice(frame, at, new byte[] {b}, 1) : frame;
        };
    }

    private static byte[] splice(byte[] frame, int at, byte[] insert, int remove) {
        byte[] out = new byte[frame.length - remove + insert.length];
        System.arraycopy(frame, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(frame, at + remove, out, at + insert.length, frame.length - at - remove);
        return out;
    }

    private List<ByteBuf> buffers(String frame) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        return List.of(Unpooled.wrappedBuffer(bytes), direct(bytes));
    }

    /** A direct buffer as the socket gives (released after the test; heap buffers need no release). */
    private ByteBuf direct(byte[] bytes) {
        ByteBuf direct = Unpooled.directBuffer(bytes.length);
        direct.writeBytes(bytes);
        directs.add(direct);
        return direct;
    }

    @AfterEach
    void releaseDirectBuffers() {
        directs.forEach(ByteBuf::release);
    }
}
