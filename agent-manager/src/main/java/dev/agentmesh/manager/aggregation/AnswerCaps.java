package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.CappedText;
import dev.agentmesh.events.PriorAnswer;
import dev.agentmesh.manager.ManagerProperties;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How much agent text one task may carry, counted in UTF-8 bytes: each answer (or reason) is cut to
 * {@code maxAnswerBytes} when it arrives, so the task's stored state stays small; the answers handed to a later stage
 * and the texts in the result share {@code maxTotalBytes}. A cut text ends with a visible marker and its outcome is
 * marked truncated. Agents on the SDK cut their own answers before sending; this guards against any agent that
 * does not.
 */
record AnswerCaps(int maxAnswerBytes, int maxTotalBytes) {

    static final AnswerCaps DEFAULT = new AnswerCaps(16 * 1024, 64 * 1024);

    AnswerCaps {
        if (maxAnswerBytes < CappedText.MIN_CAP_BYTES || maxTotalBytes < maxAnswerBytes) {
            throw new IllegalArgumentException("answer caps need " + CappedText.MIN_CAP_BYTES
                    + " <= max answer size <= max total size, were " + maxAnswerBytes + " and " + maxTotalBytes);
        }
    }

    static AnswerCaps from(ManagerProperties.Answers answers) {
        return new AnswerCaps((int) answers.maxSize().toBytes(), (int) answers.maxTotalSize().toBytes());
    }

    /** A reply's outcome as the task keeps it; {@code cutByAgent} keeps the mark of an agent that cut it itself. */
    AgentOutcome arrived(AgentOutcome outcome, boolean cutByAgent) {
        AgentOutcome capped = outcome.cappedTo(maxAnswerBytes);
        return cutByAgent ? capped.markedTruncated() : capped;
    }

    /** The outcomes for a result, their texts within the total. */
    List<AgentOutcome> withinTotal(List<AgentOutcome> outcomes) {
        int[] shares = shares(outcomes.stream().map(AgentOutcome::text).toList());
        return IntStream.range(0, outcomes.size()).mapToObj(i -> outcomes.get(i).cappedTo(shares[i])).toList();
    }

    /** The answers for a later stage, within the total. */
    List<PriorAnswer> priorAnswersWithinTotal(List<PriorAnswer> answers) {
        int[] shares = shares(answers.stream().map(PriorAnswer::answer).toList());
        return IntStream.range(0, answers.size()).mapToObj(i -> new PriorAnswer(answers.get(i).agent(),
                CappedText.of(answers.get(i).answer(), shares[i]).text())).toList();
    }

    /**
     * Each text's share of the total: texts smaller than an even split of what is left keep all they need, the
     * others split the rest evenly (never below the smallest cap that still holds the marker).
     */
    private int[] shares(List<String> texts) {
        int[] shares = new int[texts.size()];
        List<Integer> bySize = new ArrayList<>(IntStream.range(0, texts.size()).boxed().toList());
        int[] sizes = texts.stream().mapToInt(text -> text == null ? 0 : CappedText.utf8Length(text)).toArray();
        bySize.sort(Comparator.comparingInt(i -> sizes[i]));
        long left = maxTotalBytes;
        for (int rank = 0; rank < bySize.size(); rank++) {
            int index = bySize.get(rank);
            long evenSplit = left / (bySize.size() - rank);
            int share = (int) Math.max(CappedText.MIN_CAP_BYTES, Math.min(sizes[index], evenSplit));
            shares[index] = share;
            left = Math.max(0, left - Math.min(sizes[index], share));
        }
        return shares;
    }
}
