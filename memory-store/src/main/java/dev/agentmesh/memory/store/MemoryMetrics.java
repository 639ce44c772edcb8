package dev.agentmesh.memory.store;

import dev.agentmesh.events.ProfileField;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** What operators count: turns stored and ignored, facts learned, users forgotten, reads by route. */
@Component
public class MemoryMetrics {

    private final MeterRegistry registry;
    private final Counter turnsStored;
    private final Counter forgotten;

    MemoryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.turnsStored = Counter.builder("memory_turns_stored").description("turns added to a user's history")
                .register(registry);
        this.forgotten = Counter.builder("memory_users_forgotten").description("forget-me requests applied")
                .register(registry);
    }

    void turnStored() {
        turnsStored.increment();
    }

    /** @param reason {@code before_forget} or {@code expired} */
    void turnIgnored(String reason) {
        Counter.builder("memory_turns_ignored").tag("reason", reason).register(registry).increment();
    }

    void learned(ProfileField field) {
        Counter.builder("memory_facts_learned").tag("field", field.wireName()).register(registry).increment();
    }

    void userForgotten() {
        forgotten.increment();
    }

    /** @param route {@code local}, {@code remote} or {@code unavailable} */
    public void read(String route) {
        Counter.builder("memory_reads").tag("route", route).register(registry).increment();
    }
}
