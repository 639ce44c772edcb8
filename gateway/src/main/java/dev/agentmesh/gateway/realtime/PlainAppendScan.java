package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The audio hot path's first look at a client frame, on its UTF-8 bytes and without a parser: true only for a plain
 * {@code input_audio_buffer.append} written without any escape or control character (as clients write them), which
 * the strict pass ({@link ClientEventPolicy#isPlainAppend}) would accept too; false means "not sure", and the strict
 * pass decides. A name other than {@code type}, {@code audio} and {@code event_id}, any of them twice, another type,
 * a reserved event id, a non-string value or anything after the object is never accepted here.
 *
 * <p>The audio string is the bulk of the frame; it is scanned eight bytes at a time for the bytes that can end or
 * escape a JSON string ({@code "}, {@code \}, and control characters below 0x20). Every such byte is ASCII, and
 * no byte of a multi-byte UTF-8 sequence is (they are all 0x80 or above), so scanning the bytes finds exactly what
 * scanning the decoded characters would.
 */
final class PlainAppendScan {

    private static final byte[] TYPE = ascii("type");
    private static final byte[] AUDIO = ascii("audio");
    private static final byte[] EVENT_ID = ascii("event_id");
    private static final byte[] APPEND = ascii(ClientEventPolicy.APPEND);
    private static final byte[] RESERVED_PREFIX = ascii(RealtimeJson.GATEWAY_EVENT_PREFIX);

    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long HIGH3 = 0xE0E0E0E0E0E0E0E0L;

    private PlainAppendScan() {
    }

    /** Looks at the readable bytes of {@code frame}; does not move its indexes. */
    static boolean test(ByteBuf frame) {
        int end = frame.writerIndex();
        int at = skipSpace(frame, frame.readerIndex(), end);
        if (at >= end || frame.getByte(at) != '{') {
            return false;
        }
        boolean type = false;
        boolean audio = false;
        boolean eventId = false;
        at = skipSpace(frame, at + 1, end);
        while (true) {
            int nameEnd = stringEnd(frame, at, end);
            if (nameEnd < 0) {
                return false;
            }
            int nameStart = at + 1;
            at = skipSpace(frame, nameEnd + 1, end);
            if (at >= end || frame.getByte(at) != ':') {
                return false;
            }
            at = skipSpace(frame, at + 1, end);
            int valueEnd = stringEnd(frame, at, end);
            if (valueEnd < 0) {
                return false;
            }
            int valueStart = at + 1;
            if (!type && is(frame, nameStart, nameEnd, TYPE)) {
                if (!is(frame, valueStart, valueEnd, APPEND)) {
                    return false;
                }
                type = true;
            } else if (!audio && is(frame, nameStart, nameEnd, AUDIO)) {
                audio = true;
            } else if (!eventId && is(frame, nameStart, nameEnd, EVENT_ID)) {
                if (startsWith(frame, valueStart, valueEnd, RESERVED_PREFIX)) {
                    return false;
                }
                eventId = true;
            } else {
                return false;
            }
            at = skipSpace(frame, valueEnd + 1, end);
            if (at >= end) {
                return false;
            }
            byte next = frame.getByte(at);
            if (next == '}') {
                return skipSpace(frame, at + 1, end) == end && type && audio;
            }
            if (next != ',') {
                return false;
            }
            at = skipSpace(frame, at + 1, end);
        }
    }

    /**
     * The index of the closing quote of the string that starts at {@code at}; -1 if there is none, or if an escape
     * or a control character comes first.
     */
    static int stringEnd(ByteBuf frame, int at, int end) {
        if (at >= end || frame.getByte(at) != '"') {
            return -1;
        }
        int i = at + 1;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long special = special(frame.getLongLE(i));
            if (special != 0) {
                int first = i + (Long.numberOfTrailingZeros(special) >>> 3);
                return frame.getByte(first) == '"' ? first : -1;
            }
        }
        for (; i < end; i++) {
            int b = frame.getByte(i) & 0xFF;
            if (b == '"') {
                return i;
            }
            if (b == '\\' || b < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The high bit set in each byte of {@code word} that is {@code "}, {@code \} or below 0x20, and nowhere else:
     * exact per byte, no carry crosses from one byte into the next.
     */
    static long special(long word) {
        return zeroBytes(word ^ QUOTES) | zeroBytes(word ^ BACKSLASHES) | zeroBytes(word & HIGH3);
    }

    /** The high bit set in each byte of {@code word} that is zero (a 7-bit add per byte cannot carry over). */
    private static long zeroBytes(long word) {
        long low = (word & LOW7) + LOW7;
        return ~(low | word | LOW7);
    }

    private static boolean is(ByteBuf frame, int start, int end, byte[] expected) {
        return end - start == expected.length && startsWith(frame, start, end, expected);
    }

    private static boolean startsWith(ByteBuf frame, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame.getByte(start + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpace(ByteBuf frame, int at, int end) {
        while (at < end) {
            byte b = frame.getByte(at);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return at;
            }
            at++;
        }
        return at;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
