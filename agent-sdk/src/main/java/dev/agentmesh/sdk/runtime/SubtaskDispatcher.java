package dev.agentmesh.sdk.runtime;

import dev.agentmesh.events.Event;
import dev.agentmesh.events.EventCodec;
import dev.agentmesh.events.InvalidEventException;
import dev.agentmesh.events.SubtaskRequested;
import dev.agentmesh.kafka.logging.TaskMdc;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.FixedBackOff;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes subtasks off the listener thread and runs up to {@code agent.max-in-flight} of them at once, so a slow
 * subtask does not hold up the ones behind it on its partition. The listener only hands a record over and returns.
 * <ul>
 * <li>Offsets are committed in order ({@link InOrderCommits}): never past a subtask that has not finished, and
 *     at most once per {@code mesh.kafka.ack-time} and partition (plus once when partitions are revoked).</li>
 * <li>When {@code max-in-flight} subtasks are taken and unfinished, the container's partitions are paused (nothing
 *     more is fetched); they resume when half of them are done. A poll brings at most {@code max-in-flight}
 *     records, so the few that arrive after the pause wait for a worker ({@code agent.subtask.queue.wait}).</li>
 * <li>On a rebalance, subtasks of revoked partitions that have not started are dropped (the next owner runs
 *     them) and running ones get up to {@code agent.drain-timeout} to finish and be committed. A stopping
 *     container revokes all its partitions, so a graceful shutdown drains the same way; what still runs after
 *     that is interrupted at {@link #close}, uncommitted.</li>
 * <li>A record the agent cannot run goes to {@code <topic>-dlt} from the worker and counts as finished, so its
 *     offset is committed in order like any other: one that cannot be decoded, a tombstone, an event that is not a
 *     subtask, another agent's subtask, or one whose reply could not be published. The listener therefore receives
 *     the request undecoded and the worker decodes it: were the container to decode it (Spring Kafka's
 *     {@code ErrorHandlingDeserializer}), a record it could not decode would go to the container's error handler
 *     instead of the listener, without an acknowledgement of its own, and could only be committed together with
 *     the next record after it.</li>
 * </ul>
 * Why not Spring Kafka's own {@code asyncAcks}: it also commits out-of-order acknowledgements in order, but it
 * pauses the consumer until every record of the previous poll is acknowledged, so a slow subtask would still hold
 * up every subtask polled after it, which is the head-of-line blocking this class removes.
 */
final class SubtaskDispatcher implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(SubtaskDispatcher.class);

    private final SubtaskRunner runner;
    private final ConsumerRecordRecoverer deadLetters;
    private final String group;
    private final AgentMetrics metrics;
    private final ObservationRegistry observations;
    private final Duration drainTimeout;
    private final int pauseAt;
    private final int resumeAt;
    private final ExecutorService workers;
    private final ScheduledExecutorService flusher;
    private final InOrderCommits commits = new InOrderCommits();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile MessageListenerContainer container;
    private volatile boolean stopping;
    private boolean paused; // guarded by this

    SubtaskDispatcher(SubtaskRunner runner, ConsumerRecordRecoverer deadLetters, String group, AgentMetrics metrics,
                      ObservationRegistry observations, int maxInFlight, Duration drainTimeout,
                      Duration commitInterval) {
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.group = group;
        this.metrics = metrics;
        this.observations = observations;
        this.drainTimeout = drainTimeout;
        this.pauseAt = maxInFlight;
        this.resumeAt = maxInFlight / 2;
        // Virtual threads: a worker mostly waits, for the agent's answer and for the broker's ack of the reply.
        this.workers = Executors.newFixedThreadPool(maxInFlight, Thread.ofVirtual().name("agent-subtask-", 0).factory());
        metrics.intake(inFlight::get, this::paused);
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("agent-commits").factory());
        long interval = Math.max(1, commitInterval.toMillis());
        flusher.scheduleWithFixedDelay(commits::flush, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** The container whose partitions this dispatcher pauses; set once, before it starts. */
    void attach(MessageListenerContainer container) {
        this.container = container;
    }

    /** The listener: takes the record, still undecoded, and returns at once. */
    void dispatch(ConsumerRecord<String, byte[]> record, Acknowledgment acknowledgment) {
        if (stopping) {
            return; // not taken, so not committed: delivered again after the restart
        }
        InOrderCommits.Ticket ticket = commits.taken(record, acknowledgment);
        long takenAt = System.nanoTime();
        // The container's observation of this record, which carries the request's trace: the worker's reply
        // continues that trace although the observation has ended by then.
        Observation receipt = observations.getCurrentObservation();
        inFlight.incrementAndGet();
        try {
            workers.execute(() -> work(record, ticket, takenAt, receipt == null ? Observation.NOOP : receipt));
        } catch (RejectedExecutionException stopped) {
            inFlight.decrementAndGet(); // stopping: the record stays unfinished and uncommitted
        }
        adjustIntake();
    }

    /**
     * For the container, which has nothing to decode and a listener that does not throw: should one ever reach it,
     * it is logged and not acknowledged, since acknowledging it would commit past subtasks still running.
     */
    CommonErrorHandler errorHandler() {
        DefaultErrorHandler handler = new DefaultErrorHandler(new FixedBackOff(0, 0));
        handler.setAckAfterHandle(false);
        return handler;
    }

    private void work(ConsumerRecord<String, byte[]> record, InOrderCommits.Ticket ticket, long takenAt,
                      Observation receipt) {
        // the record's key is its task's id: the dead-letter lines below carry it too
        try (TaskMdc mdc = TaskMdc.open(record.key(), null)) {
            if (!commits.start(ticket)) {
                return; // its partition went to another instance, or this one is stopping
            }
            metrics.queueWait(Duration.ofNanos(System.nanoTime() - takenAt));
            try {
                SubtaskRequested subtask = subtaskOf(record);
                receipt.scoped(() -> runner.run(subtask));
            } catch (RuntimeException e) {
                deadLetter(record, e);
            }
            commits.finished(ticket); // committed at the next flush
        } finally {
            inFlight.decrementAndGet();
            adjustIntake();
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, RuntimeException cause) {
        // The kind of error only: a message may quote the request. The reason travels in the dead letter's headers.
        log.warn("Dead-lettering a request the agent could not run: taskId={} partition={} offset={} ({})",
                record.key(), record.partition(), record.offset(), cause.getClass().getSimpleName());
        try {
            // Wrapped as the container wraps a listener's failure, so the dead letter names the group that failed
            // on it (kafka_dlt-original-consumer-group, what `mesh dlt list` shows as "read by").
            deadLetters.accept(record, new ListenerExecutionFailedException("Could not run the request", group, cause));
        } catch (RuntimeException e) {
            // Counted as finished all the same: a reply that could not be published within the send timeout is
            // past the subtask's deadline, so running it again could not help the task.
            log.error("Could not dead-letter the request: taskId={} partition={} offset={} ({})", record.key(),
                    record.partition(), record.offset(), e.getClass().getSimpleName());
        }
    }

    private synchronized void adjustIntake() {
        MessageListenerContainer target = container;
        if (target == null) {
            return;
        }
        int taken = inFlight.get();
        if (!paused && taken >= pauseAt) {
            paused = true;
            target.pause();
            log.debug("{} subtasks in flight: partitions paused", taken);
        } else if (paused && taken <= resumeAt) {
            paused = false;
            target.resume();
            log.debug("{} subtasks in flight: partitions resumed", taken);
        }
    }

    private synchronized boolean paused() {
        return paused;
    }

    // ---- rebalance: runs on the consumer thread, before the container commits what was acknowledged ----------

    /**
     * Logged as Spring's container logs it when it has no rebalance listener of its own (this one replaces that),
     * so operators, and deploy/local/chaos.sh, see when an instance gets partitions.
     */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        log.info("{}: partitions assigned: {}", group, partitions);
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        log.info("{}: partitions revoked: {}", group, partitions);
        if (partitions.isEmpty()) {
            return;
        }
        commits.close(partitions);
        try {
            if (!commits.awaitRunning(partitions, drainTimeout)) {
                log.warn("Partitions {} revoked with {} subtasks still running after {} ms; their offsets stay "
                        + "uncommitted and the partitions' next owner runs them again", partitions,
                        commits.running(partitions), drainTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            commits.flush(partitions); // on this thread: the container commits it right after this returns
            commits.release(partitions);
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        log.info("{}: partitions lost: {}", group, partitions);
        // Already someone else's: nothing may be committed for them any more.
        commits.close(partitions);
        commits.release(partitions);
    }

    /**
     * At the context's end, after the container has stopped (its stop revokes every partition, which waits for
     * running work as above): interrupts what still runs; none of it is acknowledged any more.
     */
    void close() {
        stopping = true;
        flusher.shutdownNow();
        commits.closeAll();
        commits.releaseAll();
        workers.shutdownNow();
    }

    /** The record's subtask; an {@link InvalidEventException} when it cannot be decoded or is not a subtask. */
    private static SubtaskRequested subtaskOf(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidEventException("expected a subtask-requested event, got a tombstone");
        }
        Event event = EventCodec.decode(record.value());
        if (event instanceof SubtaskRequested subtask) {
            return subtask;
        }
        throw new InvalidEventException("expected a subtask-requested event, got " + event.getClass().getSimpleName());
    }
}
