package dev.agentmesh.cli;

/** One-line previews for a terminal or a page cell. */
public final class Text {

    private Text() {
    }

    /**
     * {@code text} on one line (line breaks and tabs as spaces, other control characters as {@code \\uXXXX}), cut to
     * {@code max} characters with an ellipsis; empty for null.
     */
    public static String preview(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder line = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < text.length() && line.length() <= max; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
                if (!space && !line.isEmpty()) {
                    line.append(' ');
                }
                space = true;
                continue;
            }
            space = false;
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        String result = line.toString().stripTrailing();
        return result.length() > max ? result.substring(0, max - 1) + "…" : result;
    }
}
