package dev.agentmesh.gateway.e2e;

import java.util.List;
import java.util.Random;

/**
 * Random and mutated realtime client frames, from a fixed seed so a failure can be replayed: valid events of
 * every client type with fields removed, retyped or garbled, truncated JSON, random text, deep nesting, large
 * strings and unknown types.
 */
final class FrameFuzzer {

    private static final List<String> VALID = List.of(
            "{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"instructions\":\"Be brief.\"}}",
            "{\"type\":\"input_audio_buffer.append\",\"audio\":\"AAAAAAAAAAAAAAAA\"}",
            "{\"type\":\"input_audio_buffer.commit\"}",
            "{\"type\":\"input_audio_buffer.clear\"}",
            "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]}}",
            "{\"type\":\"conversation.item.truncate\",\"item_id\":\"item_x\",\"content_index\":0,\"audio_end_ms\":10}",
            "{\"type\":\"conversation.item.delete\",\"item_id\":\"item_x\"}",
            "{\"type\":\"conversation.item.retrieve\",\"item_id\":\"item_x\"}",
            "{\"type\":\"response.cancel\"}",
            "{\"type\":\"session.update\",\"session\":{\"tools\":[{\"type\":\"function\",\"name\":\"ask_agents\"}]}}");
    private static final String[] GARBAGE = {"null", "[]", "{}", "\"\"", "42", "-1e999", "true", "{\"a\":",
            "\u0000", "\uD83D\uDE00", "{\"type\":null}", "{\"type\":{}}", "{\"type\":[]}", "]]]]"};

    private final Random random;

    FrameFuzzer(long seed) {
        this.random = new Random(seed);
    }

    String next() {
        return switch (random.nextInt(9)) {
            case 0 -> randomText(random.nextInt(200));
            case 1 -> truncate(pick(VALID));
            case 2 -> replaceValue(pick(VALID));
            case 3 -> "{\"type\":\"" + randomText(random.nextInt(30)).replace("\"", "") + "\",\"x\":1}";
            case 4 -> "[".repeat(2_000 + random.nextInt(2_000));
            case 5 -> "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_text\",\"text\":\"" + "z".repeat(random.nextInt(100_000)) + "\"}]}}";
            case 6 -> GARBAGE[random.nextInt(GARBAGE.length)];
            case 7 -> pick(VALID).replace("\"type\":\"", "\"type\":\"x" + random.nextInt(10));
            default -> dropField(pick(VALID));
        };
    }

    private String pick(List<String> frames) {
        return frames.get(random.nextInt(frames.size()));
    }

    private String truncate(String frame) {
        return frame.substring(0, random.nextInt(frame.length()));
    }

    private String replaceValue(String frame) {
        String[] values = {"null", "0", "[]", "{}", "\"\"", "\"" + randomText(10).replace("\"", "") + "\"", "true"};
        int colon = frame.indexOf(':', random.nextInt(frame.length()));
        if (colon < 0) {
            return frame;
        }
        int end = colon + 1;
        while (end < frame.length() && ",}]".indexOf(frame.charAt(end)) < 0) {
            end++;
        }
        return frame.substring(0, colon + 1) + values[random.nextInt(values.length)] + frame.substring(end);
    }

    private String dropField(String frame) {
        return frame.replaceFirst(",\"[a-z_]+\":(\"[^\"]*\"|\\{[^}]*\\}|[0-9]+)", "");
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        }
        return text.toString();
    }
}
