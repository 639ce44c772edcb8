package dev.agentmesh.memory.profile;

import dev.agentmesh.events.ProfileFact;
import dev.agentmesh.events.ProfileField;
import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.Units;
import dev.agentmesh.events.UserProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileEditorTests {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void aLearnedFactNeverReplacesWhatTheUserSet() {
        UserProfile set = ProfileEditor.apply(UserProfile.empty("u"),
                ProfileUpdateRequested.of("u", null, "Paris", null, List.of("tennis"), null), AT);

        var learned = ProfileEditor.learn(set, FactExtractor.extract("I live in Lyon and I follow Formula 1"), AT);

        assertThat(learned).isEmpty();
    }

    @Test
    void aLearnedFactFillsAnUnknownFieldAndReplacesAnEarlierLearnedOne() {
        UserProfile first = ProfileEditor.learn(UserProfile.empty("u"), FactExtractor.extract("I live in Lyon"), AT)
                .orElseThrow();
        UserProfile moved = ProfileEditor.learn(first, FactExtractor.extract("I moved to Berlin"), AT.plusSeconds(1))
                .orElseThrow();

        assertThat(first.homeCity()).isEqualTo(ProfileFact.learned("Lyon", "I live in Lyon", AT));
        assertThat(moved.homeCity().value()).isEqualTo("Berlin");
        assertThat(moved.homeCity().source()).isEqualTo(ProfileFact.Source.LEARNED);
    }

    @Test
    void learnedInterestsAccumulateWithoutDuplicates() {
        UserProfile profile = ProfileEditor.learn(UserProfile.empty("u"), FactExtractor.extract("I follow Formula 1"),
                AT).orElseThrow();
        profile = ProfileEditor.learn(profile, FactExtractor.extract("I'm into cycling and formula 1"), AT)
                .orElseThrow();

        assertThat(profile.interests().value()).containsExactly("Formula 1", "cycling");
        assertThat(ProfileEditor.learn(profile, FactExtractor.extract("I follow cycling"), AT)).isEmpty();
    }

    @Test
    void theUserSetsAndForgetsFields() {
        UserProfile profile = ProfileEditor.apply(UserProfile.empty("u"),
                ProfileUpdateRequested.of("u", "Ana", null, Units.IMPERIAL, null, "fr"), AT);
        UserProfile forgotten = ProfileEditor.forget(profile, ProfileField.UNITS, AT);

        assertThat(profile.units()).isEqualTo(ProfileFact.setByUser(Units.IMPERIAL, AT));
        assertThat(forgotten.units()).isNull();
        assertThat(forgotten.name().value()).isEqualTo("Ana");
    }
}
