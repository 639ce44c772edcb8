package dev.agentmesh.manager.planning;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.events.ContextEntry;
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
    void aFollowUpThatNamesNoSubjectGoesToThePreviousRequestsAgent() {
        List<ContextEntry> context = List.of(new ContextEntry("user", "What's the weather in Paris?"),
                new ContextEntry("agent", "weather: Paris, France: light rain, 9 °C."));

        assertThat(planner.plan("and tomorrow?", context, agents).stages()).containsExactly(List.of("weather"));
        assertThat(planner.plan("What about Berlin?", context, agents).stages()).containsExactly(List.of("weather"));
        assertThat(planner.plan("And the news there?", context, agents).stages().getFirst()).containsExactly("news");
        assertThat(planner.plan("Und morgen?", context, agents).stages()).containsExactly(List.of("weather"));
    }

    @Test
    void aQuestionOfGeneralKnowledgeGoesToTheGeneralistAloneThoughItSoundsLikeASpecialistsSubject() {
        assertThat(planner.plan("Who painted the Mona Lisa?", List.of(), agents).stages())
                .containsExactly(List.of("chat"));
    }

    @Test
    void aRequestToRelateAnswersAsksTheAgentsItNamesInPassing() {
        Plan plan = planner.plan("Did the storm in the news cause the rain in Lisbon?", List.of(), agents);

        assertThat(plan.stages()).hasSize(2);
        assertThat(plan.stages().getFirst()).containsExactlyInAnyOrder("weather", "news");
        assertThat(plan.stages().getLast()).containsExactly("chat");
    }

    @Test
    void withoutAPreviousAgentResultAFollowUpIsPlannedOnItsOwn() {
        Plan plan = planner.plan("what about Berlin?", List.of(new ContextEntry("user", "Hi")), agents);

        assertThat(plan.rationale()).doesNotContain("follow-up");
    }

    @Test
    void routesANewAgentFromItsCardAlone() {
        List<LiveAgent> withCurrency = new java.util.ArrayList<>(agents);
        withCurrency.add(LiveAgent.of("currency", "Exchange rates and currency conversion.", List.of(new AgentSkill(
                "convert", "Convert currencies", "Converts an amount between currencies at today's rate",
                List.of("fx"), List.of("How many euros is 100 dollars?", "What's the exchange rate between the pound "
                + "and the yen?", "Convert 40 GBP to EUR", "Is the dollar stronger than the euro today?",
                "How much is 5000 yen in pounds?", "How many rupees do I get for 200 euros?"),
                List.of(AgentSkill.TEXT_MODE), List.of(AgentSkill.TEXT_MODE)))));

        assertThat(planner.plan("What would 300 Australian dollars be in euros?", List.of(), withCurrency).stages())
                .containsExactly(List.of("currency"));
        assertThat(planner.plan("How many yen would I get for 80 dollars?", List.of(), withCurrency).agents())
                .containsExactly("currency");
        assertThat(planner.plan("Tell me a joke about penguins", List.of(), withCurrency).agents())
                .containsExactly("chat");
        assertThat(planner.plan("What's the weather in Oslo?", List.of(), withCurrency).agents())
                .containsExactly("weather");
    }

    @Test
    void plansNothingWhenNoAgentIsLive() {
        assertThat(planner.plan("What's the weather in Paris?", List.of(), List.of()).stages()).isEmpty();
    }
}
