package dev.agentmesh.memory.store;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.MemoryCommand;
import dev.agentmesh.events.ProfileFactForgetRequested;
import dev.agentmesh.events.ProfileField;
import dev.agentmesh.events.ProfileUpdateRequested;
import dev.agentmesh.events.TurnRecorded;
import dev.agentmesh.events.UserForgetRequested;
import dev.agentmesh.events.UserProfile;
import dev.agentmesh.memory.history.HistoryLimits;
import dev.agentmesh.memory.history.Turn;
import dev.agentmesh.memory.history.UserHistory;
import dev.agentmesh.memory.profile.FactExtractor;
import dev.agentmesh.memory.profile.LearnedFact;
import dev.agentmesh.memory.profile.ProfileEditor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One per stream task (partition of the user-keyed input): the only writer of its users' history and profiles.
 * Turns (re-keyed by user) and memory commands arrive in one ordered stream per user, so a fact learned from a
 * turn and a field the user sets never race. Profile changes are forwarded to user-profiles (a tombstone when a
 * user is forgotten). Logs carry ids and field names, never what was said or stored.
 */
final class MemoryProcessor extends ContextualProcessor<String, Event, String, Event> {

    private static final Logger log = LoggerFactory.getLogger(MemoryProcessor.class);

    private final MemorySettings settings;
    private final MemoryMetrics metrics;
    private final Clock clock;
    private KeyValueStore<String, UserHistory> conversations;
    private KeyValueStore<String, UserProfile> profiles;
    private KeyValueStore<String, Long> forgotten;

    MemoryProcessor(MemorySettings settings, MemoryMetrics metrics, Clock clock) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Event> context) {
        super.init(context);
        conversations = context.getStateStore(MemoryStores.CONVERSATIONS);
        profiles = context.getStateStore(MemoryStores.PROFILES);
        forgotten = context.getStateStore(MemoryStores.FORGOTTEN);
        context.schedule(settings.retentionCheckInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> expire(Instant.ofEpochMilli(timestamp)));
    }

    @Override
    public void process(Record<String, Event> record) {
        String userId = record.key();
        if (userId == null || userId.isBlank()) {
            log.warn("Ignoring a memory record without a user key");
            return;
        }
        switch (record.value()) {
            case TurnRecorded turn -> onTurn(userId, turn, record.timestamp());
            case MemoryCommand command when !command.userId().equals(userId) ->
                    log.warn("Ignoring a {} keyed by another user than it names: key={}",
                            command.getClass().getSimpleName(), userId);
            case ProfileUpdateRequested update -> onProfileUpdate(userId, update, record.timestamp());
            case ProfileFactForgetRequested forget -> onFactForget(userId, forget, record.timestamp());
            case UserForgetRequested forget -> onForget(userId, forget, record.timestamp());
            case null -> log.debug("Ignoring a tombstone for userId={}", userId);
            default -> log.warn("Ignoring an unexpected {} for userId={}", record.value().getClass().getSimpleName(),
                    userId);
        }
    }

    private void onTurn(String userId, TurnRecorded turn, long timestamp) {
        Long forgottenAt = forgotten.get(userId);
        if (forgottenAt != null && !turn.occurredAt().isAfter(Instant.ofEpochMilli(forgottenAt))) {
            metrics.turnIgnored("before_forget");
            log.info("Ignored a turn from before forget-me: userId={} conversationId={}", userId,
                    turn.conversationId());
            return;
        }
        Instant now = clock.instant();
        if (turn.occurredAt().isBefore(now.minus(settings.retention()))) {
            metrics.turnIgnored("expired");
            return;
        }
        UserHistory history = Optional.ofNullable(conversations.get(userId)).orElseGet(UserHistory::empty);
        conversations.put(userId, settings.limits().append(history, turn.conversationId(),
                new Turn(turn.role(), turn.text(), turn.occurredAt())));
        metrics.turnStored();
        if (settings.learning() && "user".equals(turn.role())) {
            learnFrom(userId, turn, timestamp);
        }
    }

    private void learnFrom(String userId, TurnRecorded turn, long timestamp) {
        List<LearnedFact> facts = FactExtractor.extract(turn.text());
        if (facts.isEmpty()) {
            return;
        }
        UserProfile current = Optional.ofNullable(profiles.get(userId)).orElseGet(() -> UserProfile.empty(userId));
        ProfileEditor.learn(current, facts, clock.instant()).ifPresent(learned -> {
            List<ProfileField> changed = ProfileEditor.changedFields(current, learned);
            changed.forEach(metrics::learned);
            log.info("Learned {} for userId={} conversationId={}",
                    changed.stream().map(ProfileField::wireName).toList(), userId, turn.conversationId());
            publish(userId, learned, timestamp);
        });
    }

    private void onProfileUpdate(String userId, ProfileUpdateRequested update, long timestamp) {
        UserProfile current = Optional.ofNullable(profiles.get(userId)).orElseGet(() -> UserProfile.empty(userId));
        publish(userId, ProfileEditor.apply(current, update, clock.instant()), timestamp);
        log.info("Profile updated by the user: userId={}", userId);
    }

    private void onFactForget(String userId, ProfileFactForgetRequested forget, long timestamp) {
        UserProfile current = profiles.get(userId);
        if (current == null) {
            return;
        }
        publish(userId, ProfileEditor.forget(current, forget.field(), clock.instant()), timestamp);
        log.info("Forgot profile field {}: userId={}", forget.field().wireName(), userId);
    }

    private void onForget(String userId, UserForgetRequested forget, long timestamp) {
        conversations.delete(userId);
        profiles.delete(userId);
        forgotten.put(userId, forget.occurredAt().toEpochMilli());
        context().forward(new Record<>(userId, null, timestamp));
        metrics.userForgotten();
        log.info("Forgot user: userId={} (history and profile deleted)", userId);
    }

    /** Stores the profile and publishes it on user-profiles; a profile with nothing left is a tombstone. */
    private void publish(String userId, UserProfile profile, long timestamp) {
        if (profile.isEmpty()) {
            profiles.delete(userId);
            context().forward(new Record<>(userId, null, timestamp));
        } else {
            profiles.put(userId, profile);
            context().forward(new Record<>(userId, profile, timestamp));
        }
    }

    /** Drops conversations not updated within the retention, and forget-me markers older than it. */
    private void expire(Instant now) {
        Instant cutoff = now.minus(settings.retention());
        List<KeyValue<String, UserHistory>> changed = new ArrayList<>();
        try (KeyValueIterator<String, UserHistory> all = conversations.all()) {
            all.forEachRemaining(entry -> {
                UserHistory kept = HistoryLimits.expire(entry.value, cutoff);
                if (kept.conversations().size() != entry.value.conversations().size()) {
                    changed.add(KeyValue.pair(entry.key, kept));
                }
            });
        }
        for (KeyValue<String, UserHistory> entry : changed) {
            if (entry.value.isEmpty()) {
                conversations.delete(entry.key);
            } else {
                conversations.put(entry.key, entry.value);
            }
        }
        List<String> oldMarkers = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = forgotten.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value < cutoff.toEpochMilli()) {
                    oldMarkers.add(entry.key);
                }
            });
        }
        oldMarkers.forEach(forgotten::delete);
        if (!changed.isEmpty()) {
            log.info("Retention dropped expired conversations of {} users", changed.size());
        }
    }
}
