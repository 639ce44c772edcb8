package dev.agentmesh.emulator.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerComposerTests {

    @Test
    void speaksEachAnsweredAgentVerbatimAndNamesTheOthers() {
        String spoken = AnswerComposer.compose("{\"agents\":[{\"name\":\"weather\",\"status\":\"answered\","
                + "\"answer\":\"Paris: light rain, 9 °C\"},{\"name\":\"news\",\"status\":\"timed_out\"}],\"partial\":true}");

        assertThat(spoken).isEqualTo("Paris: light rain, 9 °C. The news agent timed out.");
    }

    @Test
    void speaksTheErrorSentenceWhenNoAgentCouldAnswerInsteadOfRawJson() {
        String spoken = AnswerComposer.compose("{\"agents\":[],\"partial\":true,"
                + "\"error\":\"The agents could not answer: the agents cannot be reached right now.\"}");

        assertThat(spoken).isEqualTo("The agents could not answer: the agents cannot be reached right now.");
    }

    @Test
    void speaksPlainTextOutputAsItIs() {
        assertThat(AnswerComposer.compose("It is sunny.")).isEqualTo("It is sunny.");
    }
}
