package dev.agentmesh.manager.aggregation;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.CappedText;
import dev.agentmesh.events.PriorAnswer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How much agent text a task carries: per answer when it arrives, all answers together when passed on. */
class AnswerCapsTests {

    private static final int KB = 1024;
    private final AnswerCaps caps = new AnswerCaps(16 * KB, 64 * KB);

    @Test
    void cutsAnArrivingAnswerOrReasonToThePerAnswerCapAndMarksIt() {
        AgentOutcome answer = caps.arrived(AgentOutcome.answered("news", "ä".repeat(200 * KB), 40, 1), false);
        AgentOutcome reason = caps.arrived(AgentOutcome.failed("news", "x".repeat(200 * KB), 40, 1), false);

        assertThat(bytes(answer.answer())).isLessThanOrEqualTo(16 * KB);
        assertThat(answer.answer()).endsWith(" of " + 400 * KB + " bytes]");
        assertThat(answer.wasTruncated()).isTrue();
        assertThat(reason.reason()).endsWith(" of " + 200 * KB + " bytes]");
        assertThat(reason.answer()).isNull();
        assertThat(reason.wasTruncated()).isTrue();
    }

    @Test
    void leavesShortAnswersAloneButKeepsTheMarkOfAnAgentThatCutItsOwn() {
        AgentOutcome whole = AgentOutcome.answered("weather", "Paris: 12 °C", 40, 1);

        assertThat(caps.arrived(whole, false)).isSameAs(whole);
        assertThat(caps.arrived(whole, true).wasTruncated()).isTrue();
        assertThat(caps.arrived(whole, true).answer()).isEqualTo("Paris: 12 °C");
    }

    @Test
    void sharesTheTotalSoSmallAnswersStayWholeAndLargeOnesSplitTheRest() {
        List<AgentOutcome> outcomes = List.of(
                AgentOutcome.answered("news", "n".repeat(60 * KB), 40, 1),
                AgentOutcome.answered("weather", "Paris: 12 °C", 30, 1),
                AgentOutcome.timedOut("stocks", "no reply within 8000 ms", 1),
                AgentOutcome.answered("chat", "c".repeat(60 * KB), 50, 2));

        List<AgentOutcome> capped = caps.withinTotal(outcomes);

        assertThat(capped.get(1)).isSameAs(outcomes.get(1));
        assertThat(capped.get(2)).isSameAs(outcomes.get(2));
        assertThat(capped.get(0).wasTruncated()).isTrue();
        assertThat(capped.get(3).wasTruncated()).isTrue();
        assertThat(capped.stream().mapToInt(outcome -> bytes(outcome.text())).sum()).isLessThanOrEqualTo(64 * KB);
        assertThat(bytes(capped.get(0).text())).isGreaterThan(31 * KB);
    }

    @Test
    void keepsTheAnswersForALaterStageWithinTheTotal() {
        List<PriorAnswer> answers = List.of(new PriorAnswer("weather", "w".repeat(16 * KB)),
                new PriorAnswer("news", "n".repeat(16 * KB)), new PriorAnswer("sports", "s".repeat(16 * KB)),
                new PriorAnswer("stocks", "t".repeat(16 * KB)), new PriorAnswer("travel", "v".repeat(16 * KB)));

        List<PriorAnswer> capped = caps.priorAnswersWithinTotal(answers);

        assertThat(capped).extracting(PriorAnswer::agent).containsExactly("weather", "news", "sports", "stocks",
                "travel");
        assertThat(capped.stream().mapToInt(answer -> bytes(answer.answer())).sum()).isLessThanOrEqualTo(64 * KB);
        assertThat(capped).allSatisfy(answer -> assertThat(answer.answer()).contains("[truncated: "));
    }

    @Test
    void refusesCapsThatCannotHoldTheMarkerOrATotalBelowOneAnswer() {
        assertThatThrownBy(() -> new AnswerCaps(100, 64 * KB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnswerCaps(16 * KB, 8 * KB)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int bytes(String text) {
        return CappedText.utf8Length(text);
    }
}
