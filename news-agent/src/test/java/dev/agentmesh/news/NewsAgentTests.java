package dev.agentmesh.news;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.sdk.AgentRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Relevance, de-duplication and citations, on the bundled feeds read through the real parser. */
class NewsAgentTests {

    private final NewsProperties properties = new NewsProperties(NewsProperties.Provider.OFFLINE, List.of("unused"),
            Duration.ofMinutes(2), 3, Duration.ofSeconds(1), Duration.ofSeconds(1));
    private final NewsAgent agent = new NewsAgent(new OfflineFeedSource(), properties);

    @Test
    void picksItemsAboutAPlaceByItsNameOrAdjective() throws Exception {
        String answer = ask("What's the weather in Paris and any news about France?");

        assertThat(answer).startsWith("Relevant news:\n1. French government unveils winter energy plan — "
                + "Sample World News (offline) (https://news.example.org/world/europe/france-energy-plan)");
        assertThat(answer).endsWith("(offline sample feeds)");
    }

    @Test
    void picksItemsOnATopic() throws Exception {
        assertThat(ask("Any news about the elections in Germany?")).contains("Germany's parties enter final week");
        assertThat(ask("What's happening in technology news this week?"))
                .contains("Chipmakers race to build AI data centres").doesNotContain("Champions League");
        assertThat(ask("Give me the latest sports headlines")).contains("Champions League")
                .doesNotContain("energy plan");
    }

    @Test
    void withoutASubjectTheUsersInterestsComeFirst() throws Exception {
        AgentRequest request = AgentRequest.of("What's new today?", Duration.ofSeconds(5))
                .forUser(new dev.agentmesh.events.UserContext(null, null, null, List.of("tennis"), null));

        assertThat(agent.handle(request)).startsWith("Headlines on what you follow (tennis):")
                .contains("Tennis finals: Italian star wins the title in Turin").doesNotContain("energy plan");
        // a subject the request names wins over the interests
        assertThat(agent.handle(AgentRequest.of("Any news about France?", Duration.ofSeconds(5))
                .forUser(new dev.agentmesh.events.UserContext(null, null, null, List.of("tennis"), null))))
                .contains("French government").doesNotContain("Tennis finals");
    }

    @Test
    void givesTheLatestItemsWhenNoSubjectIsNamed() throws Exception {
        String answer = ask("What are today's top headlines?");

        assertThat(answer).startsWith("The latest headlines:\n1. Chipmakers race to build AI data centres");
        assertThat(answer.lines().filter(line -> line.matches("\\d\\. .*"))).hasSize(3);
    }

    @Test
    void removesTheSameStoryFromDifferentFeeds() throws Exception {
        String answer = ask("Storm in Rome");

        assertThat(answer.split("Storm Elena", -1)).hasSize(2);
    }

    @Test
    void readsThePlaceFromTheConversationWhenAskedAboutThere() throws Exception {
        AgentRequest request = new AgentRequest("t", "c", "What's in the news there?",
                List.of(new ContextEntry("user", "I'm travelling to Mumbai tomorrow")), List.of(), 1,
                Instant.now().plusSeconds(5));

        assertThat(agent.handle(request)).contains("Mumbai commuters face delays");
    }

    @Test
    void saysSoWhenNothingMatchesAndOffersTheLatest() throws Exception {
        String answer = ask("News about penguins in Antarctica");

        assertThat(answer).startsWith("I found nothing in the news feeds about penguins, antarctica. "
                + "The latest headlines are:");
    }

    @Test
    void dedupesByNormalisedLinkAndNearIdenticalTitle() {
        List<NewsItem> items = List.of(
                new NewsItem("Big storm hits the coast", "https://www.a.example/x?utm=1", "", "A", null),
                new NewsItem("Other title entirely", "http://a.example/x/", "", "B", null),
                new NewsItem("Big storm hits the coast!", "https://c.example/y", "", "C", null),
                new NewsItem("Markets rally", "https://d.example/z", "", "D", null));

        assertThat(NewsSelector.dedupe(items)).extracting(NewsItem::source).containsExactly("A", "D");
    }

    private String ask(String text) throws Exception {
        return agent.handle(AgentRequest.of(text, Duration.ofSeconds(5)));
    }
}
