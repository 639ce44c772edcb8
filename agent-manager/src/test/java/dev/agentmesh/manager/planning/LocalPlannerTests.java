package dev.agentmesh.manager.planning;

import dev.agentmesh.manager.registry.LiveAgent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPlannerTests {

    private final LocalPlanner planner = RoutingEvaluation.localPlanner();
    private final List<LiveAgent> agents = RoutingEvaluation.shippedAgents();

    @Test
    void neverPlansAnAgentThatIsNotLive() {
        List<LiveAgent> onlyChat = agents.stream().filter(a -> a.name().equals("chat")).toList();

        Plan plan = planner.plan("What's the weather in Paris and any news about France?", List.of(), onlyChat);

        assertThat(plan.agents()).containsExactly("chat");
    }

    @Test
    void plansNothingWhenNoAgentIsLive() {
        assertThat(planner.plan("What's the weather in Paris?", List.of(), List.of()).stages()).isEmpty();
    }
}
