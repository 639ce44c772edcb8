package dev.agentmesh.gateway.realtime;

import dev.agentmesh.events.AgentOutcome;
import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.gateway.tasks.LiveAgent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentToolTests {

    @Test
    void describesAnAgentFromItsCardWithSkillsAndAFewExamples() {
        LiveAgent weather = new LiveAgent("weather", "Weather for a place.", "0.1.0", List.of(new LiveAgent.Skill(
                "current-weather", "Weather now", "Conditions now", List.of("frost tonight?", "Umbrella in Oslo?",
                "Wind in Galway?"))));

        String text = AgentTool.describe(weather);

        assertThat(text).isEqualTo("weather (Weather for a place. Skills: Weather now. For example: \"frost tonight?\", "
                + "\"Umbrella in Oslo?\".)");
    }

    @Test
    void readsTheRequestArgument() {
        assertThat(AgentTool.requestFrom("{\"request\":\"  Weather in Paris \"}")).isEqualTo("Weather in Paris");
    }

    @Test
    void refusesMissingEmptyOrMalformedArguments() {
        assertThatThrownBy(() -> AgentTool.requestFrom("")).hasMessageContaining("no arguments");
        assertThatThrownBy(() -> AgentTool.requestFrom("{\"request\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> AgentTool.requestFrom("{\"query\":\"x\"}")).hasMessageContaining("'request'");
        assertThatThrownBy(() -> AgentTool.requestFrom("{\"request\":42}")).hasMessageContaining("'request'");
        assertThatThrownBy(() -> AgentTool.requestFrom("[]")).hasMessageContaining("'request'");
    }

    @Test
    void theOutputListsEachAgentWithStatusAndAnswerOrReason() {
        String output = AgentTool.output(AgentTaskCompleted.of("t1", "c1", "gw", List.of(
                AgentOutcome.answered("weather", "Sunny, 21 °C", 40, 1),
                AgentOutcome.failed("news", "feed unreachable", 12, 1),
                AgentOutcome.timedOut("chat", "no answer within the deadline", 2)), 100));

        JsonNode json = RealtimeJson.MAPPER.readTree(output);
        assertThat(json.path("partial").asBoolean()).isTrue();
        assertThat(json.path("agents").findValuesAsString("name")).containsExactly("weather", "news", "chat");
        assertThat(json.path("agents").findValuesAsString("status")).containsExactly("answered", "failed", "timed_out");
        assertThat(json.path("agents").get(0).path("answer").asString()).isEqualTo("Sunny, 21 °C");
        assertThat(json.path("agents").get(1).path("reason").asString()).isEqualTo("feed unreachable");
    }

    @Test
    void sniffsTheEventTypeWithoutParsingTheWholeEvent() {
        assertThat(RealtimeJson.typeOf("{\"event_id\":\"e\",\"audio\":\"AAAA\",\"type\":\"input_audio_buffer.append\"}"))
                .isEqualTo("input_audio_buffer.append");
        assertThat(RealtimeJson.typeOf("{\"nested\":{\"type\":\"no\"},\"type\":\"yes\"}")).isEqualTo("yes");
        assertThat(RealtimeJson.typeOf("{\"type\":7}")).isNull();
        assertThat(RealtimeJson.typeOf("not json")).isNull();
        assertThat(RealtimeJson.typeOf("[1,2]")).isNull();
    }
}
