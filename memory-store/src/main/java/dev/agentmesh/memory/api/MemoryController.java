package dev.agentmesh.memory.api;

import dev.agentmesh.events.ProfileFact;
import dev.agentmesh.events.ProfileFactForgetRequested;
import dev.agentmesh.events.ProfileField;
import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.UserForgetRequested;
import dev.agentmesh.events.UserProfile;
import dev.agentmesh.memory.Identifiers;
import dev.agentmesh.memory.InvalidRequestException;
import dev.agentmesh.memory.query.MemoryQueries;
import dev.agentmesh.memory.query.UserMemory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The internal memory API the gateway proxies, with the authenticated user's id in the path: a user's
 * conversations and profile, edits and forget-me. A user reads only their own conversations: history is kept per
 * user, so another user's conversation id is simply not found.
 */
@RestController
@RequestMapping("/api/memory/users/{userId}")
class MemoryController {

    private final MemoryQueries queries;
    private final MemoryWriter writer;

    MemoryController(MemoryQueries queries, MemoryWriter writer) {
        this.queries = queries;
        this.writer = writer;
    }

    @GetMapping("/conversations")
    List<ConversationSummary> conversations(@PathVariable String userId) {
        return queries.read(Identifiers.require(userId, "userId")).history().conversations().stream()
                .map(ConversationSummary::of).toList();
    }

    @GetMapping("/conversations/{conversationId}")
    ConversationView conversation(@PathVariable String userId, @PathVariable String conversationId) {
        Identifiers.require(conversationId, "conversationId");
        return queries.read(Identifiers.require(userId, "userId")).history().conversation(conversationId)
                .map(ConversationView::of)
                .orElseThrow(() -> new NotFoundException("no conversation " + conversationId + " for this user"));
    }

    @GetMapping("/profile")
    ProfileView profile(@PathVariable String userId) {
        return ProfileView.of(userId, queries.read(Identifiers.require(userId, "userId")).profile());
    }

    /** 200 with the profile once it shows the change; 202 when accepted but not yet visible. */
    @PutMapping("/profile")
    ResponseEntity<ProfileView> setProfile(@PathVariable String userId, @RequestBody ProfileUpdate update) {
        Identifiers.require(userId, "userId");
        if (update == null) {
            throw new InvalidRequestException("a JSON object with the fields to set is required");
        }
        ProfileUpdateRequested command = update.toCommand(userId);
        return answer(userId, writer.write(command, memory -> shows(memory.profile(), command))
                .map(UserMemory::profile));
    }

    /** 200 with the profile without the field; 202 when accepted but not yet visible. */
    @DeleteMapping("/profile/{field}")
    ResponseEntity<ProfileView> forgetFact(@PathVariable String userId, @PathVariable String field) {
        Identifiers.require(userId, "userId");
        ProfileField profileField = ProfileField.ofWireName(field).orElseThrow(() -> new InvalidRequestException(
                "field must be one of " + Arrays.stream(ProfileField.values()).map(ProfileField::wireName).toList()));
        return answer(userId, writer.write(ProfileFactForgetRequested.of(userId, profileField),
                memory -> valueOf(memory.profile(), profileField) == null).map(UserMemory::profile));
    }

    /** Forget me: 204 once nothing about the user is readable; 202 when accepted but not yet applied. */
    @DeleteMapping
    ResponseEntity<Void> forget(@PathVariable String userId) {
        Identifiers.require(userId, "userId");
        boolean gone = writer.write(UserForgetRequested.of(userId),
                memory -> memory.profile() == null && memory.history().isEmpty()).isPresent();
        return ResponseEntity.status(gone ? HttpStatus.NO_CONTENT : HttpStatus.ACCEPTED).build();
    }

    private static ResponseEntity<ProfileView> answer(String userId, java.util.Optional<UserProfile> visible) {
        return visible.map(profile -> ResponseEntity.ok(ProfileView.of(userId, profile)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.ACCEPTED).build());
    }

    private static boolean shows(UserProfile profile, ProfileUpdateRequested update) {
        return profile != null
                && setTo(profile.name(), update.name())
                && setTo(profile.homeCity(), update.homeCity())
                && setTo(profile.units(), update.units())
                && setTo(profile.interests(), update.interests())
                && setTo(profile.language(), update.language());
    }

    private static <T> boolean setTo(ProfileFact<T> fact, T wanted) {
        return wanted == null || (fact != null && fact.setByUser() && Objects.equals(fact.value(), wanted));
    }

    private static Object valueOf(UserProfile profile, ProfileField field) {
        if (profile == null) {
            return null;
        }
        Function<UserProfile, ProfileFact<?>> getter = switch (field) {
            case NAME -> UserProfile::name;
            case HOME_CITY -> UserProfile::homeCity;
            case UNITS -> UserProfile::units;
            case INTERESTS -> UserProfile::interests;
            case LANGUAGE -> UserProfile::language;
        };
        return getter.apply(profile);
    }
}
