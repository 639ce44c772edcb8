package dev.agentmesh.benchmarks;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The relay benchmark's WebSocket frames as bytes, built once: the client's append (a masked text frame, its
 * content never changes) and the upstream's audio delta (an unmasked text frame with a fixed-width slot for the
 * System.nanoTime() stamp, written in place per frame). Also the byte searches the receiving sides use instead of
 * decoding every frame into a String.
 */
final class RelayFrames {

    static final String APPEND_TYPE = "\"input_audio_buffer.append\"";
    static final String DELTA_TYPE = "\"response.output_audio.delta\"";
    /** Digits of a stamp: a long's 19, plus a sign (0 or -), so every delta has the same length. */
    static final int STAMP_WIDTH = 20;

    private static final byte[] STAMP = DeltaUpstream.STAMP.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA = DELTA_TYPE.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALLING_BEHIND = "\"falling_behind\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APPEND = APPEND_TYPE.getBytes(StandardCharsets.US_ASCII);

    /** What a received server event is, as far as the load generator cares. */
    enum Kind { DELTA, FALLING_BEHIND, ERROR, OTHER }

    private RelayFrames() {
    }

    /**
     * {@link RealtimeLoad#APPEND} as one final, masked text frame. The mask key is fixed (RFC 6455 wants it
     * unpredictable per frame, against proxies that cache): the receiving server cannot tell and unmasks every
     * frame the same way, so the gateway's work is unchanged while the generator masks nothing per frame.
     */
    static byte[] maskedAppend(int maskKey) {
        byte[] payload = RealtimeLoad.APPEND.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        byte[] header = header(payload.length, true);
        byte[] frame = new byte[header.length + 4 + payload.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(mask, 0, frame, header.length, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[header.length + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    /**
     * A server's delta event as one final, unmasked text frame whose stamp is zeros; {@link #stampAt} says where
     * {@link #writeStamp} puts the digits.
     */
    static byte[] deltaTemplate() {
        byte[] payload = deltaJson("0".repeat(STAMP_WIDTH)).getBytes(StandardCharsets.UTF_8);
        byte[] header = header(payload.length, false);
        byte[] frame = new byte[header.length + payload.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(payload, 0, frame, header.length, payload.length);
        return frame;
    }

    /** Where in {@link #deltaTemplate()} the stamp's digits begin. */
    static int stampAt(byte[] template) {
        return indexOf(template, STAMP) + STAMP.length;
    }

    static String deltaJson(String stamp) {
        return "{\"type\":\"response.output_audio.delta\",\"event_id\":\"" + DeltaUpstream.STAMP + stamp
                + "\",\"response_id\":\"resp_bench\",\"item_id\":\"item_bench\",\"output_index\":0,"
                + "\"content_index\":0,\"delta\":\"" + DeltaUpstream.AUDIO_20MS + "\"}";
    }

    /** Writes {@code stamp} as {@link #STAMP_WIDTH} ASCII characters (sign, then zero-padded digits) at {@code at}. */
    static void writeStamp(ByteBuf frame, int at, long stamp) {
        frame.setByte(at, stamp < 0 ? '-' : '0');
        long rest = Math.abs(stamp);
        for (int i = STAMP_WIDTH - 1; i > 0; i--) {
            frame.setByte(at + i, (int) ('0' + rest % 10));
            rest /= 10;
        }
    }

    /** What the text frame's payload (from its reader index) is: a stamped delta, an error, or anything else. */
    static Kind kind(ByteBuf text) {
        if (indexOf(text, STAMP) >= 0 && indexOf(text, DELTA) >= 0) {
            return Kind.DELTA;
        }
        if (indexOf(text, ERROR) >= 0) {
            return indexOf(text, FALLING_BEHIND) >= 0 ? Kind.FALLING_BEHIND : Kind.ERROR;
        }
        return Kind.OTHER;
    }

    /** The stamp after the first {@code bench_} in the payload; call only for a {@link Kind#DELTA}. */
    static long stamp(ByteBuf text) {
        int at = indexOf(text, STAMP) + STAMP.length;
        boolean negative = text.getByte(at) == '-';
        long value = 0;
        for (int i = negative ? at + 1 : at; i < text.writerIndex(); i++) {
            byte digit = text.getByte(i);
            if (digit < '0' || digit > '9') {
                break;
            }
            value = value * 10 + (digit - '0');
        }
        return negative ? -value : value;
    }

    /** Whether the payload is an {@code input_audio_buffer.append}. */
    static boolean isAppend(ByteBuf text) {
        return indexOf(text, APPEND) >= 0;
    }

    /** The index of the first {@code needle} in {@code haystack}'s readable bytes, or -1. */
    static int indexOf(ByteBuf haystack, byte[] needle) {
        int last = haystack.writerIndex() - needle.length;
        byte first = needle[0];
        for (int i = haystack.readerIndex(); i <= last; i++) {
            if (haystack.getByte(i) == first && matches(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuf haystack, int at, byte[] needle) {
        for (int j = 1; j < needle.length; j++) {
            if (haystack.getByte(at + j) != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A final text frame's header (RFC 6455 5.2) for a payload under 64 KiB. */
    private static byte[] header(int length, boolean masked) {
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("payload too long for a 16-bit length: " + length);
        }
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            return new byte[] {(byte) 0x81, (byte) (maskBit | length)};
        }
        return new byte[] {(byte) 0x81, (byte) (maskBit | 126), (byte) (length >>> 8), (byte) length};
    }
}
