package dev.agentmesh.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTests {

    @Test
    void everyNamedTopicIsDeclaredOnce() throws IllegalAccessException {
        for (var field : Topics.class.getFields()) {
            if (field.getType() == String.class) {
                String name = (String) field.get(null);
                assertThat(Topics.declared()).as(name).filteredOn(declaration -> declaration.name().equals(name))
                        .hasSize(1);
            }
        }
    }

    @Test
    void theRegistryIsOneCompactedPartitionAndTheRestFollowTheMeshCount() {
        assertThat(Topics.declaration(Topics.AGENT_REGISTRY)).isEqualTo(new Topics.Declaration(Topics.AGENT_REGISTRY,
                1, true));
        assertThat(Topics.declaration(Topics.USER_PROFILES).compacted()).isTrue();
        assertThat(Topics.declaration(Topics.AGENT_RESULTS)).isEqualTo(new Topics.Declaration(Topics.AGENT_RESULTS,
                null, false));
    }

    @Test
    void anAgentsRequestTopicAndItsDeadLetterAreDeclaredByTheirName() {
        assertThat(Topics.declaration(Topics.requestsFor("stocks")).partitions()).isNull();
        assertThat(Topics.declaration(Topics.deadLetterFor(Topics.requestsFor("stocks"))).compacted()).isFalse();
    }

    @Test
    void aTopicNobodyDeclaredIsRefusedByName() {
        assertThatThrownBy(() -> Topics.declaration("agent-resluts")).hasMessage(
                "topic agent-resluts is not declared in Topics");
        assertThatThrownBy(() -> Topics.declaration("-requests")).isInstanceOf(IllegalArgumentException.class);
    }
}
