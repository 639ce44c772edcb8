package dev.agentmesh.manager.planning;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.manager.registry.LiveAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SkillModelFileTests {

    @TempDir
    Path dir;

    private static List<LiveAgent> weather(String... examples) {
        return List.of(LiveAgent.of("weather", "Weather forecasts", List.of(new AgentSkill("forecast", "Forecast",
                "The weather to come", List.of(), List.of(examples), List.of(), List.of()))));
    }

    private static final List<LiveAgent> NEWS = List.of(LiveAgent.of("news", "News headlines", List.of(
            new AgentSkill("headlines", "Headlines", "What the news say", List.of(),
                    List.of("Any news about France?", "Top headlines today"), List.of(), List.of()))));

    private static List<LiveAgent> weatherAndNews(String... weatherExamples) {
        return List.of(weather(weatherExamples).getFirst(), NEWS.getFirst());
    }

    private SkillIndex index(SentenceModel model, Path file) {
        return new SkillIndex(model, new CardEmbeddingFile(dir.resolve("cards.bin"), "test"), new SkillModelFile(file));
    }

    @Test
    void aRestartedManagerPlansWithTheModelsItTrainedOnTheShippedCardsWithoutTrainingAgain() throws Exception {
        // given a manager that trained on the shipped cards with a model file
        Path file = dir.resolve("models.bin");
        SentenceModel model = SentenceModel.e5Small();
        List<LiveAgent> agents = RoutingEvaluation.shippedAgents();
        SkillIndex first = index(model, file);
        LocalPlanner trained = new LocalPlanner(first, PlanningConfiguration.DEFAULT_THRESHOLDS);
        trained.prepare(agents);
        assertThat(first.trainings()).isEqualTo(1);

        // when the next start meets the same cards
        SkillIndex restarted = index(model, file);
        LocalPlanner kept = new LocalPlanner(restarted, PlanningConfiguration.DEFAULT_THRESHOLDS);
        kept.prepare(agents);

        // then it trained nothing, and every skill's probability and every plan of the development requests is the same
        assertThat(restarted.trainings()).isZero();
        SkillIndex.Catalogue before = first.catalogueOf(agents);
        SkillIndex.Catalogue after = restarted.catalogueOf(agents);
        List<String> requests = RoutingEvaluation.developmentPart().stream().map(RoutingEvaluation.Example::request)
                .distinct().toList();
        assertThat(requests).hasSizeGreaterThan(200);
        for (String request : requests) {
            Features features = first.embed(request);
            for (int i = 0; i < before.skills().size(); i++) {
                assertThat(after.classifier().probability(after.skills().get(i), features)).as(request)
                        .isEqualTo(before.classifier().probability(before.skills().get(i), features));
            }
            assertThat(kept.plan(request, List.of(), agents).stages()).as(request)
                    .isEqualTo(trained.plan(request, List.of(), agents).stages());
        }
        // only the weights training moved are written: the hashed-word space alone would be 2 MB per skill
        assertThat(Files.size(file)).isLessThan(1_000_000);
    }

    @Test
    void aChangedCardOrAnotherSetOfCardsIsTrainedAgainAndBothAreKept() {
        Path file = dir.resolve("models.bin");
        SkillIndex first = index(new SentenceModel(new CountingModel(), "query: "), file);
        first.catalogueOf(weatherAndNews("Will it rain tomorrow?"));
        first.catalogueOf(weatherAndNews("Will it rain tomorrow?", "Is it windy in Oslo?"));
        assertThat(first.trainings()).isEqualTo(2);

        SkillIndex restarted = index(new SentenceModel(new CountingModel(), "query: "), file);
        restarted.catalogueOf(weatherAndNews("Will it rain tomorrow?"));
        restarted.catalogueOf(weatherAndNews("Will it rain tomorrow?", "Is it windy in Oslo?"));
        assertThat(restarted.trainings()).isZero();
        restarted.catalogueOf(NEWS);   // a subset of a known set: its models are reused, not trained
        restarted.catalogueOf(weatherAndNews("Is it sunny?"));
        assertThat(restarted.trainings()).isEqualTo(1);
    }

    @Test
    void anotherSentenceModelIsTrainedAgain() {
        Path file = dir.resolve("models.bin");
        index(new SentenceModel(new CountingModel(), "query: "), file).catalogueOf(weatherAndNews("Will it rain?"));

        SkillIndex otherPrefix = new SkillIndex(new SentenceModel(new CountingModel(), "passage: "), null,
                new SkillModelFile(file));
        otherPrefix.catalogueOf(weatherAndNews("Will it rain?"));
        assertThat(otherPrefix.trainings()).isEqualTo(1);
    }

    @Test
    void aDamagedFileCountsAsEmptyAndIsReplaced() throws Exception {
        Path file = dir.resolve("models.bin");
        Files.write(file, new byte[] {0, 0, 0, 1, 127, -1, -1, -1});
        assertThat(new SkillModelFile(file).load()).isEmpty();
        Files.write(file, new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 'k'});
        assertThat(new SkillModelFile(file).load()).isEmpty();

        SkillIndex index = index(new SentenceModel(new CountingModel(), "query: "), file);
        index.catalogueOf(weatherAndNews("Will it rain?"));
        assertThat(index.trainings()).isEqualTo(1);
        assertThat(new SkillModelFile(file).load()).hasSize(1);
    }

    @Test
    void weightsOfAnotherShapeThanTheSkillsAreTrainedAgain() {
        Path file = dir.resolve("models.bin");
        SkillIndex first = index(new SentenceModel(new CountingModel(), "query: "), file);
        List<LiveAgent> agents = weatherAndNews("Will it rain?");
        SkillIndex.Catalogue catalogue = first.catalogueOf(agents);
        String key = SkillClassifier.trainingKey(catalogue.skills());
        new SkillModelFile(file).save(java.util.Map.of(key, List.of(new double[3], new double[3])));

        SkillIndex restarted = index(new SentenceModel(new CountingModel(), "query: "), file);
        restarted.catalogueOf(agents);
        assertThat(restarted.trainings()).isEqualTo(1);
    }
}
