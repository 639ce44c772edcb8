package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.registry.LiveAgent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPlannerTests {

    private final LocalPlanner planner = RoutingAccuracyTests.planner != null ? RoutingAccuracyTests.planner
            : new LocalPlanner(new dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel(), 0.35);

    @Test
    void plansANewlyDeployedAgentFromItsDescriptionAlone() {
        List<LiveAgent> agents = new ArrayList<>(RoutingAccuracyTests.AGENTS);
        agents.add(new LiveAgent("stocks", "Share prices and market indices for a company or ticker symbol.",
                "stocks-requests"));

        Plan plan = planner.plan("How is Apple stock doing today?", List.of(), agents);

        assertThat(plan.agents()).containsExactly("stocks");
    }

    @Test
    void plansANewAgentForOneClauseOfACompoundRequest() {
        List<LiveAgent> agents = new ArrayList<>(RoutingAccuracyTests.AGENTS);
        agents.add(new LiveAgent("stocks", "Share prices and market indices for a company or ticker symbol.",
                "stocks-requests"));

        Plan plan = planner.plan("How is Apple stock doing, and what's the weather in Rome?", List.of(), agents);

        assertThat(plan.stages()).hasSize(1);
        assertThat(plan.agents()).containsExactlyInAnyOrder("stocks", "weather");
    }

    @Test
    void neverPlansAnAgentThatIsNotLive() {
        List<LiveAgent> onlyChat = RoutingAccuracyTests.AGENTS.stream().filter(a -> a.name().equals("chat")).toList();

        Plan plan = planner.plan("What's the weather in Paris and any news about France?", List.of(), onlyChat);

        assertThat(plan.agents()).containsExactly("chat");
    }

    @Test
    void plansNothingWhenNoAgentIsLive() {
        assertThat(planner.plan("What's the weather in Paris?", List.of(), List.of()).stages()).isEmpty();
    }

    @Test
    void runsTheDataAgentsAloneWhenTheSynthesiserIsDown() {
        List<LiveAgent> noChat = RoutingAccuracyTests.AGENTS.stream().filter(a -> !a.name().equals("chat")).toList();

        Plan plan = planner.plan("Are today's news and weather related?", List.of(), noChat);

        assertThat(plan.stages()).containsExactly(List.of("news", "weather"));
    }
}
