package dev.agentmesh.memory.api;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.MemoryCommand;
import dev.agentmesh.events.Topics;
import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.query.MemoryQueries;
import dev.agentmesh.memory.query.StoreUnavailableException;
import dev.agentmesh.memory.query.UserMemory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Writes go through Kafka: a command on memory-commands, keyed by user, applied by the instance that owns the
 * user. The caller then waits, up to {@code memory.query.write-wait}, until a read shows the change, so a page that
 * reads right after writing sees what it wrote.
 */
@Component
class MemoryWriter {

    private static final Duration POLL = Duration.ofMillis(50);

    private final KafkaTemplate<String, Event> template;
    private final MemoryQueries queries;
    private final Duration wait;

    MemoryWriter(KafkaTemplate<String, Event> template, MemoryQueries queries, MemoryProperties properties) {
        this.template = template;
        this.queries = queries;
        this.wait = properties.query().writeWait();
    }

    /**
     * Sends {@code command} and waits until {@code visible} holds for the user's memory.
     *
     * @return the memory that shows the change, or empty when the change was accepted but not yet visible
     * @throws StoreUnavailableException when the broker did not acknowledge the command
     */
    Optional<UserMemory> write(MemoryCommand command, Predicate<UserMemory> visible) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            template.send(Topics.MEMORY_COMMANDS, command.userId(), command).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreUnavailableException("the change could not be written to Kafka", e);
        }
        while (System.nanoTime() < deadline) {
            try {
                UserMemory memory = queries.read(command.userId());
                if (visible.test(memory)) {
                    return Optional.of(memory);
                }
            } catch (StoreUnavailableException notNow) {
                // the change is on Kafka; keep waiting for the owner to answer
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
