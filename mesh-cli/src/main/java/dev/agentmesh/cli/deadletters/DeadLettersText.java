package dev.agentmesh.cli.deadletters;

import java.io.PrintStream;
import java.util.List;

/** Dead letters for a terminal: one line each, then where they came from and why. */
public final class DeadLettersText {

    private DeadLettersText() {
    }

    public static void print(List<DeadLetter> letters, List<String> topics, PrintStream out) {
        if (letters.isEmpty()) {
            out.println("No dead letters" + (topics.isEmpty() ? " (no -dlt topic exists)."
                    : " in " + String.join(", ", topics) + "."));
            return;
        }
        String topic = null;
        for (DeadLetter letter : letters) {
            if (!letter.topic().equals(topic)) {
                topic = letter.topic();
                out.println(topic + ":");
            }
            out.printf("  %d:%d  %s  from %s  key %s  %d bytes%n", letter.partition(), letter.offset(),
                    letter.deadLetteredAt(), origin(letter), letter.key() == null ? "(none)" : letter.key(),
                    letter.valueBytes());
            out.println("    why: " + (letter.exceptionClass() == null ? "" : simple(letter.exceptionClass()) + ": ")
                    + (letter.reason() == null ? "(no reason in the headers)" : letter.reason()));
            out.println("    value: " + (letter.valuePreview() == null ? "(tombstone)" : letter.valuePreview())
                    + (letter.valueTruncated() ? "  [only the first bytes were kept: cannot be replayed]" : ""));
            if (letter.replayOf() != null) {
                out.println("    failed again after a replay of " + letter.replayOf());
            }
        }
        out.println(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s")
                + "; replay with: mesh dlt replay <dlt-topic> <partition>:<offset>...");
    }

    private static String origin(DeadLetter letter) {
        if (letter.originalTopic() == null) {
            return "(no original topic in the headers)";
        }
        return letter.originalTopic() + (letter.originalPartition() == null ? "" : "-" + letter.originalPartition())
                + (letter.originalOffset() == null ? " (never written: refused by the broker)"
                : "@" + letter.originalOffset())
                + (letter.consumerGroup() == null ? "" : " read by " + letter.consumerGroup());
    }

    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }
}
