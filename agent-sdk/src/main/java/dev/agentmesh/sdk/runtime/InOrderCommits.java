package dev.agentmesh.sdk.runtime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.support.Acknowledgment;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which request offsets may be committed while subtasks finish out of order. Per partition it keeps the records
 * taken and not yet finished, in offset order; a finished record becomes acknowledgeable only when every record
 * before it on its partition has finished too, so the committed offset never passes unfinished work. What became
 * acknowledgeable is acknowledged at the next {@link #flush}, the highest record per partition only: the dispatcher
 * flushes on a timer ({@code mesh.kafka.ack-time}) and before it gives partitions up, so under load a partition's
 * offsets are committed once per interval instead of once per subtask (each commit is a request to the broker and a
 * record in {@code __consumer_offsets}). A crash therefore redelivers the unfinished subtask, the finished ones
 * after it and those finished since the last flush; their second replies are harmless because the manager keeps the
 * first reply per task and agent.
 * <p>
 * Spring's container (ack mode MANUAL) commits the highest acknowledged offset of each partition at its next poll.
 * A partition that is revoked, or an instance that stops, is {@link #release released}: acknowledgements of work
 * that finishes afterwards are dropped, since the records are then another consumer's (or a later run's) to commit.
 * Every record the listener receives comes through here with its own acknowledgement, whether it was answered,
 * failed, expired or dead-lettered (one that cannot be decoded included), so each one's offset is committed at the
 * first flush after nothing before it on its partition is unfinished.
 */
final class InOrderCommits {

    /** One record taken from its partition: {@link #start} it, then mark it {@link #finished}. */
    static final class Ticket {
        private final Partition partition;
        private final long offset;
        private final Acknowledgment acknowledgment;
        private boolean started;
        private boolean done;

        private Ticket(Partition partition, long offset, Acknowledgment acknowledgment) {
            this.partition = partition;
            this.offset = offset;
            this.acknowledgment = acknowledgment;
        }

        long offset() {
            return offset;
        }
    }

    private static final class Partition {
        private final TopicPartition id;
        private final TreeMap<Long, Ticket> open = new TreeMap<>();
        /** The highest finished record with nothing unfinished before it, not yet acknowledged; null when none. */
        private Acknowledgment acknowledgeable;
        private boolean closing;

        private Partition(TopicPartition id) {
            this.id = id;
        }
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /** Records {@code record}, taken from the listener, as unfinished. */
    synchronized Ticket taken(ConsumerRecord<?, ?> record, Acknowledgment acknowledgment) {
        Partition partition = partitions.computeIfAbsent(partitionOf(record), Partition::new);
        Ticket ticket = new Ticket(partition, record.offset(), acknowledgment);
        partition.open.put(record.offset(), ticket);
        return ticket;
    }

    /**
     * True when the ticket's subtask may run now; false when its partition is being revoked or released, or the
     * instance is stopping: the record then stays unfinished, so it is not committed and will be delivered again.
     */
    synchronized boolean start(Ticket ticket) {
        if (!current(ticket) || ticket.partition.closing) {
            return false;
        }
        ticket.started = true;
        return true;
    }

    /** The ticket's subtask is done with (answered, failed, expired or dead-lettered). */
    synchronized void finished(Ticket ticket) {
        ticket.done = true;
        Acknowledgment highest = current(ticket) ? advance(ticket.partition) : null;
        if (highest != null) {
            ticket.partition.acknowledgeable = highest;
        }
        notifyAll();
    }

    /** Acknowledges, per partition, the highest record that may be committed and was not acknowledged yet. */
    synchronized void flush() {
        flush(List.copyOf(partitions.keySet()));
    }

    /** {@link #flush()} for these partitions only (those being revoked). */
    synchronized void flush(Collection<TopicPartition> of) {
        for (TopicPartition tp : of) {
            Partition partition = partitions.get(tp);
            if (partition != null && partition.acknowledgeable != null) {
                // Under the lock, so no acknowledgement reaches the container after its partition was released.
                // (From a worker or the timer it only queues the offset for the container's consumer thread.)
                partition.acknowledgeable.acknowledge();
                partition.acknowledgeable = null;
            }
        }
    }

    /** Subtasks of these partitions that have not started will not start; see {@link #start}. */
    synchronized void close(Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            Partition partition = partitions.get(tp);
            if (partition != null) {
                partition.closing = true;
            }
        }
    }

    synchronized void closeAll() {
        close(List.copyOf(partitions.keySet()));
    }

    /**
     * Waits until no subtask of these partitions is running, at most {@code timeout}; true when none is. Work that
     * finishes meanwhile becomes acknowledgeable as usual; {@link #flush(Collection)} it before the container
     * commits and gives the partitions up.
     */
    synchronized boolean awaitRunning(Collection<TopicPartition> revoked, Duration timeout) throws InterruptedException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (running(revoked) > 0) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized boolean awaitAllRunning(Duration timeout) throws InterruptedException {
        return awaitRunning(List.copyOf(partitions.keySet()), timeout);
    }

    /** Forgets these partitions: what finishes later is not acknowledged. */
    synchronized void release(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
        notifyAll();
    }

    synchronized void releaseAll() {
        partitions.clear();
        notifyAll();
    }

    /** Subtasks of these partitions that started and have not finished. */
    synchronized int running(Collection<TopicPartition> of) {
        int running = 0;
        for (TopicPartition tp : of) {
            Partition partition = partitions.get(tp);
            if (partition != null) {
                running += (int) partition.open.values().stream().filter(t -> t.started && !t.done).count();
            }
        }
        return running;
    }

    private boolean current(Ticket ticket) {
        return partitions.get(ticket.partition.id) == ticket.partition;
    }

    /** Drops the finished head of the partition; the acknowledgement of the highest dropped record, if any. */
    private static Acknowledgment advance(Partition partition) {
        Acknowledgment highest = null;
        while (!partition.open.isEmpty() && partition.open.firstEntry().getValue().done) {
            highest = partition.open.pollFirstEntry().getValue().acknowledgment;
        }
        return highest;
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
