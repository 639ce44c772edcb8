package dev.agentmesh.events;

/**
 * A text cut to at most a number of bytes in UTF-8, the unit Kafka's record limits count in. A cut text keeps its
 * beginning (never half a character) and ends with a visible marker that says how much was kept:
 * {@code "… [truncated: 16340 of 2097152 bytes]"}; the marker counts toward the cap.
 *
 * @param text the text as it may be published
 * @param truncated true when {@code text} was cut
 * @param originalBytes the UTF-8 length of the text before the cut
 */
public record CappedText(String text, boolean truncated, long originalBytes) {

    /** The smallest cap that leaves room for the marker and some text. */
    public static final int MIN_CAP_BYTES = 256;

    public static CappedText of(String text, int maxBytes) {
        if (maxBytes < MIN_CAP_BYTES) {
            throw new IllegalArgumentException("a text cap must be at least " + MIN_CAP_BYTES + " bytes, was " + maxBytes);
        }
        if (text == null) {
            return new CappedText(null, false, 0);
        }
        long total = utf8Length(text);
        if (total <= maxBytes) {
            return new CappedText(text, false, total);
        }
        // the marker for kept == total is the longest one the cut can need
        int budget = maxBytes - utf8Length(marker(total, total));
        int end = 0;
        int kept = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = utf8Length(codePoint);
            if (kept + size > budget) {
                break;
            }
            kept += size;
            end += Character.charCount(codePoint);
        }
        return new CappedText(text.substring(0, end) + marker(kept, total), true, total);
    }

    /** What a cut text ends with. */
    public static String marker(long keptBytes, long totalBytes) {
        return "… [truncated: " + keptBytes + " of " + totalBytes + " bytes]";
    }

    /** The text's length in UTF-8 bytes, without encoding it. */
    public static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            bytes += utf8Length(codePoint);
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        if (codePoint < 0x10000) {
            return 3;
        }
        return 4;
    }
}
