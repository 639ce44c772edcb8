package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionConfigurerTests {

    private final SessionConfigurer configurer = new SessionConfigurer("Base rules.", () -> {
        ObjectNode tool = RealtimeJson.object();
        tool.put("type", "function");
        tool.put("name", "ask_agents");
        return tool;
    });

    @Test
    void theFirstUpdateCarriesTheServerToolAndInstructions() {
        JsonNode session = RealtimeJson.MAPPER.readTree(configurer.initialUpdate()).path("session");

        assertThat(session.path("type").asString()).isEqualTo("realtime");
        assertThat(session.path("instructions").asString()).isEqualTo("Base rules.");
        assertThat(session.path("tools").findValuesAsString("name")).containsExactly("ask_agents");
    }

    @Test
    void clearingToolsOrInstructionsKeepsTheServersPart() {
        JsonNode session = merge("{\"type\":\"session.update\",\"session\":{\"tools\":[],\"instructions\":\"\"}}");

        assertThat(session.path("tools").findValuesAsString("name")).containsExactly("ask_agents");
        assertThat(session.path("instructions").asString()).isEqualTo("Base rules.");
        assertThat(session.path("type").asString()).isEqualTo("realtime");
    }

    @Test
    void clientToolsAndInstructionsAreAddedAndAToolOfTheSameNameIsDropped() {
        JsonNode session = merge("{\"type\":\"session.update\",\"session\":{\"instructions\":\"Be brief.\","
                + "\"tools\":[{\"type\":\"function\",\"name\":\"ask_agents\",\"description\":\"mine\"},"
                + "{\"type\":\"function\",\"name\":\"open_door\"}]}}");

        assertThat(session.path("tools").findValuesAsString("name")).containsExactly("ask_agents", "open_door");
        assertThat(session.path("tools").get(0).has("description")).isFalse();
        assertThat(session.path("instructions").asString()).isEqualTo("Base rules.\n\nBe brief.");
    }

    @Test
    void anUpdateOfOtherFieldsLeavesToolsAndInstructionsAlone() {
        JsonNode session = merge("{\"type\":\"session.update\",\"session\":{\"output_modalities\":[\"text\"]}}");

        assertThat(session.has("tools")).isFalse();
        assertThat(session.has("instructions")).isFalse();
        assertThat(session.path("output_modalities").get(0).asString()).isEqualTo("text");
    }

    @Test
    void laterUpdatesKeepTheClientsEarlierTools() {
        merge("{\"type\":\"session.update\",\"session\":{\"tools\":[{\"type\":\"function\",\"name\":\"open_door\"}]}}");
        merge("{\"type\":\"session.update\",\"session\":{\"instructions\":\"Hi\"}}");

        JsonNode initial = RealtimeJson.MAPPER.readTree(configurer.initialUpdate()).path("session");
        assertThat(initial.path("tools").findValuesAsString("name")).containsExactly("ask_agents", "open_door");
        assertThat(initial.path("instructions").asString()).endsWith("Hi");
    }

    @Test
    void anUpdateWithoutASessionObjectIsRefused() {
        assertThatThrownBy(() -> configurer.merge(RealtimeJson.parseObject("{\"type\":\"session.update\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session");
    }

    private JsonNode merge(String event) {
        return RealtimeJson.MAPPER.readTree(configurer.merge(RealtimeJson.parseObject(event))).path("session");
    }
}
