package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.AgentCard;
import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentCardFactoryTests {

    private static final AgentProperties PROPERTIES = new AgentProperties(1, Duration.ofSeconds(5), "1.2.3", "",
            org.springframework.util.unit.DataSize.ofKilobytes(16), 16, Duration.ofSeconds(10));

    @Test
    void anAgentWithoutACardFileIsAnnouncedWithOneSkillMadeOfItsDescription() {
        AgentCard card = AgentCardFactory.cardOf(agent("stocks", "Share prices for a ticker", null), PROPERTIES);

        assertThat(card.version()).isEqualTo("1.2.3");
        AgentProperties unset = new AgentProperties(1, Duration.ofSeconds(5), "", "",
                org.springframework.util.unit.DataSize.ofKilobytes(16), 16, Duration.ofSeconds(10));
        assertThat(AgentCardFactory.cardOf(agent("stocks", "Share prices for a ticker", null), unset, "0.4.2")
                .version()).as("the build's version when none is configured").isEqualTo("0.4.2");
        assertThat(card.skills()).singleElement().satisfies(skill -> {
            assertThat(skill.description()).isEqualTo("Share prices for a ticker");
            assertThat(skill.examples()).isEmpty();
        });
    }

    @Test
    void theAgentsOwnSkillsAreAnnouncedAsTheyAre() {
        AgentSkill rates = new AgentSkill("rates", "Exchange rates", "Converts between currencies", List.of("fx"),
                List.of("How many yen is 20 euros?"), List.of(AgentSkill.TEXT_MODE), List.of(AgentSkill.TEXT_MODE));

        AgentCard card = AgentCardFactory.cardOf(agent("currency", "Currencies", List.of(rates)), PROPERTIES);

        assertThat(card.skills()).containsExactly(rates);
    }

    @Test
    void refusesACardReadersCouldNotUse() {
        AgentSkill skill = new AgentSkill("a", "A", "a", null, null, null, null);

        assertThatThrownBy(() -> AgentCardFactory.cardOf(agent("Bad Name", "x", null), PROPERTIES))
                .hasMessageContaining("lower-case");
        assertThatThrownBy(() -> AgentCardFactory.cardOf(agent("dup", "x", List.of(skill, skill)), PROPERTIES))
                .hasMessageContaining("skill 'a' twice");
    }

    @Test
    void theWellKnownDocumentHasTheA2aFieldsAndTheMeshsOwnApart() {
        AgentCard card = AgentCardFactory.cardOf(agent("stocks", "Share prices", null), PROPERTIES);

        Map<String, Object> document = AgentCardEndpoint.wellKnown(card);

        assertThat(document).containsKeys("name", "description", "version", "capabilities", "defaultInputModes",
                "defaultOutputModes", "skills", "supportedInterfaces");
        assertThat(document.get("agentMesh")).isEqualTo(Map.of("requestTopic", "stocks-requests",
                "registryTopic", "agent-registry"));
    }

    private static Agent agent(String name, String description, List<AgentSkill> skills) {
        return new Agent() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<AgentSkill> skills() {
                return skills == null ? Agent.super.skills() : skills;
            }

            @Override
            public String handle(AgentRequest request) {
                return "";
            }
        };
    }
}
