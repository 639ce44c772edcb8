package dev.agentmesh.manager.planning;

import dev.agentmesh.events.AgentSkill;
import dev.agentmesh.manager.registry.LiveAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CardEmbeddingFileTests {

    @TempDir
    Path dir;

    private final List<AgentSkill> skills = List.of(new AgentSkill("forecast", "Forecast", "The weather to come",
            List.of(), List.of("Will it rain tomorrow?", "How warm is it in Oslo?"), List.of(), List.of()));
    private final List<LiveAgent> weather = List.of(LiveAgent.of("weather", "Weather forecasts", skills));

    @Test
    void aRestartedManagerLearnsAKnownCardWithoutRunningTheModelOverIt() {
        // given a manager that learned the weather card with a card file
        Path file = dir.resolve("cards.bin");
        CountingModel first = new CountingModel();
        new SkillIndex(new SentenceModel(first, "query: "), new CardEmbeddingFile(file, "counting"), null).catalogueOf(weather);
        assertThat(first.texts).containsExactlyInAnyOrder("query: The weather to come", "query: Will it rain tomorrow?",
                "query: How warm is it in Oslo?");

        // when the next start learns the same card
        CountingModel second = new CountingModel();
        SkillIndex restarted = new SkillIndex(new SentenceModel(second, "query: "), new CardEmbeddingFile(file, "counting"), null);
        SkillIndex.Catalogue catalogue = restarted.catalogueOf(weather);

        // then the model ran over none of its texts, and the examples have the same features as before
        assertThat(second.texts).isEmpty();
        assertThat(catalogue.skills().getFirst().examples().get(1).embedding())
                .containsExactly(new SkillIndex(new SentenceModel(new CountingModel(), "query: "))
                        .embed("Will it rain tomorrow?").embedding());
    }

    @Test
    void requestsAreNeverWrittenToTheFile() throws Exception {
        Path file = dir.resolve("cards.bin");
        SkillIndex index = new SkillIndex(new SentenceModel(new CountingModel(), "query: "),
                new CardEmbeddingFile(file, "counting"), null);
        index.embed("Is my flight to Lisbon on time, booking ABC123?");
        index.catalogueOf(weather);

        assertThat(new CardEmbeddingFile(file, "counting").load()).containsOnlyKeys("The weather to come",
                "Will it rain tomorrow?", "How warm is it in Oslo?");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).doesNotContain("ABC123");
    }

    @Test
    void aCardTextAskedBeforeAsARequestStillReachesTheFile() {
        Path file = dir.resolve("cards.bin");
        SkillIndex index = new SkillIndex(new SentenceModel(new CountingModel(), "query: "),
                new CardEmbeddingFile(file, "counting"), null);
        index.embed("Will it rain tomorrow?");
        index.catalogueOf(weather);

        assertThat(new CardEmbeddingFile(file, "counting").load()).containsKey("Will it rain tomorrow?");
    }

    @Test
    void aFileOfAnotherModelOrAnUnreadableOneCountsAsEmpty() throws Exception {
        Path file = dir.resolve("cards.bin");
        new SkillIndex(new SentenceModel(new CountingModel(), "query: "), new CardEmbeddingFile(file, "counting"), null)
                .catalogueOf(weather);

        assertThat(new CardEmbeddingFile(file, "another model").load()).isEmpty();
        Files.write(file, new byte[] {0, 0, 0, 1, 0});
        assertThat(new CardEmbeddingFile(file, "counting").load()).isEmpty();
        CountingModel model = new CountingModel();
        new SkillIndex(new SentenceModel(model, "query: "), new CardEmbeddingFile(file, "counting"), null).catalogueOf(weather);
        assertThat(model.texts).hasSize(3);
    }

    @Test
    void requestsFeaturesAreKeptBoundedWhileCardTextsStay() {
        CountingModel model = new CountingModel();
        SkillIndex index = new SkillIndex(new SentenceModel(model, "query: "));
        index.catalogueOf(weather);
        for (int i = 0; i < 10_000; i++) {
            index.embed("Request number " + i);
        }

        assertThat(index.requestsKept()).isEqualTo(4096);
        // the most recent request is still known, the first is not, and a card text never left
        int embedded = model.texts.size();
        index.embed("Request number 9999");
        index.embed("Will it rain tomorrow?");
        assertThat(model.texts).hasSize(embedded);
        index.embed("Request number 0");
        assertThat(model.texts).hasSize(embedded + 1);
    }
}
