package dev.agentmesh.memory.history;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps a user's history within its bounds: at most {@code maxConversations} conversations (the most recently
 * updated), each with at most {@code maxTurns} turns and {@code maxConversationBytes} bytes of turn text in UTF-8;
 * the oldest go first. A single turn longer than the byte budget keeps its beginning.
 */
public final class HistoryLimits {

    static final int TITLE_LENGTH = 60;

    private final int maxConversations;
    private final int maxTurns;
    private final int maxConversationBytes;

    public HistoryLimits(int maxConversations, int maxTurns, int maxConversationBytes) {
        if (maxConversations < 1 || maxTurns < 1 || maxConversationBytes < 1) {
            throw new IllegalArgumentException("history limits must be positive");
        }
        this.maxConversations = maxConversations;
        this.maxTurns = maxTurns;
        this.maxConversationBytes = maxConversationBytes;
    }

    /** The history with {@code turn} appended to its conversation, which becomes the most recent one. */
    public UserHistory append(UserHistory history, String conversationId, Turn turn) {
        Turn bounded = new Turn(turn.role(), truncate(turn.text(), maxConversationBytes), turn.at());
        Conversation existing = history.conversation(conversationId).orElse(null);
        List<Turn> turns = new ArrayList<>(existing == null ? List.of() : existing.turns());
        // in time order, whatever order the records arrived in: a gateway's first sends on a fresh producer all
        // wait for metadata and may leave in any order (a user turn after the answer to it)
        int at = turns.size();
        while (at > 0 && turns.get(at - 1).at().isAfter(bounded.at())) {
            at--;
        }
        turns.add(at, bounded);
        dropOldestTurns(turns);
        String title = existing != null && existing.title() != null ? existing.title()
                : "user".equals(turn.role()) ? title(turn.text()) : null;
        Instant updatedAt = existing == null || turn.at().isAfter(existing.updatedAt()) ? turn.at()
                : existing.updatedAt();

        List<Conversation> conversations = new ArrayList<>(history.conversations());
        conversations.removeIf(c -> c.conversationId().equals(conversationId));
        conversations.add(new Conversation(conversationId, title, updatedAt, turns));
        conversations.sort(Comparator.comparing(Conversation::updatedAt).reversed());
        while (conversations.size() > maxConversations) {
            conversations.removeLast();
        }
        return new UserHistory(conversations);
    }

    /** The history without the conversations last updated before {@code cutoff}. */
    public static UserHistory expire(UserHistory history, Instant cutoff) {
        return new UserHistory(history.conversations().stream()
                .filter(c -> !c.updatedAt().isBefore(cutoff)).toList());
    }

    private void dropOldestTurns(List<Turn> turns) {
        long bytes = turns.stream().mapToLong(t -> utf8Length(t.text())).sum();
        while (turns.size() > maxTurns || (bytes > maxConversationBytes && turns.size() > 1)) {
            bytes -= utf8Length(turns.removeFirst().text());
        }
    }

    static String title(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        if (oneLine.length() <= TITLE_LENGTH) {
            return oneLine;
        }
        int cut = oneLine.lastIndexOf(' ', TITLE_LENGTH - 1);
        return oneLine.substring(0, cut > TITLE_LENGTH / 2 ? cut : TITLE_LENGTH - 1) + "…";
    }

    static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code text} that fits {@code maxBytes} in UTF-8, never splitting a code point. */
    static String truncate(String text, int maxBytes) {
        if (utf8Length(text) <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
