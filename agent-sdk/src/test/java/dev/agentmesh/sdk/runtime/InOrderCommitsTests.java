package dev.agentmesh.sdk.runtime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Offsets are acknowledged in order, never past a subtask that has not finished, and only when flushed. */
class InOrderCommitsTests {

    private static final String TOPIC = "echo-requests";

    private final InOrderCommits commits = new InOrderCommits();
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();

    @Test
    void acknowledgesAFinishedRecordOnlyOnceEveryRecordBeforeItOnItsPartitionHasFinished() {
        InOrderCommits.Ticket slow = take(0, 10);
        InOrderCommits.Ticket fast = take(0, 11);
        InOrderCommits.Ticket faster = take(0, 12);
        InOrderCommits.Ticket otherPartition = take(1, 5);

        commits.finished(fast);
        commits.finished(faster);
        commits.finished(otherPartition);
        commits.flush();

        assertThat(acknowledged).containsExactly("1@5");

        commits.finished(slow);
        commits.flush();

        // Only the highest of the three: the container commits offset 13, past all of them.
        assertThat(acknowledged).containsExactly("1@5", "0@12");
    }

    @Test
    void acknowledgesNothingBeforeAFlushAndThenOnlyTheHighestOfWhatFinishedSinceThePreviousOne() {
        InOrderCommits.Ticket first = take(0, 10);
        InOrderCommits.Ticket second = take(0, 11);
        InOrderCommits.Ticket third = take(0, 12);

        commits.finished(first);
        commits.finished(second);
        assertThat(acknowledged).isEmpty();

        commits.flush();
        commits.flush(); // nothing new since
        assertThat(acknowledged).containsExactly("0@11");

        commits.finished(third);
        commits.flush(List.of(partition(1)));
        assertThat(acknowledged).containsExactly("0@11");
        commits.flush(List.of(partition(0)));
        assertThat(acknowledged).containsExactly("0@11", "0@12");
    }

    @Test
    void dropsTheAcknowledgementsOfWorkThatFinishesAfterItsPartitionWasReleased() {
        InOrderCommits.Ticket running = take(0, 10);
        commits.start(running);

        commits.close(List.of(partition(0)));
        commits.release(List.of(partition(0)));
        commits.finished(running);
        commits.flush();

        assertThat(acknowledged).isEmpty();
    }

    @Test
    void aReassignedPartitionStartsAfreshAndIgnoresTheEarlierAssignmentsTickets() {
        InOrderCommits.Ticket before = take(0, 10);
        commits.release(List.of(partition(0)));
        InOrderCommits.Ticket again = take(0, 10);

        commits.finished(before);
        commits.flush();
        assertThat(acknowledged).isEmpty();

        commits.finished(again);
        commits.flush();
        assertThat(acknowledged).containsExactly("0@10");
    }

    @Test
    void subtasksOfAClosingPartitionThatHaveNotStartedNeverStartAndHoldTheCommitBackBeforeThem() {
        InOrderCommits.Ticket running = take(0, 10);
        InOrderCommits.Ticket queued = take(0, 11);
        assertThat(commits.start(running)).isTrue();

        commits.close(List.of(partition(0)));

        assertThat(commits.start(queued)).isFalse();
        assertThat(commits.running(List.of(partition(0)))).isEqualTo(1);
        commits.finished(running);
        commits.flush();
        assertThat(acknowledged).containsExactly("0@10");
    }

    @Test
    void waitsForRunningSubtasksOfRevokedPartitionsButNotLongerThanTheTimeout() throws Exception {
        InOrderCommits.Ticket running = take(0, 10);
        commits.start(running);

        assertThat(commits.awaitRunning(List.of(partition(0)), Duration.ofMillis(50))).isFalse();

        Thread.ofVirtual().start(() -> {
            sleep(100);
            commits.finished(running);
        });
        assertThat(commits.awaitRunning(List.of(partition(0)), Duration.ofSeconds(10))).isTrue();
        commits.flush(List.of(partition(0))); // as the dispatcher does before the container commits
        assertThat(acknowledged).containsExactly("0@10");
    }

    private InOrderCommits.Ticket take(int partition, long offset) {
        return commits.taken(record(partition, offset), () -> acknowledged.add(partition + "@" + offset));
    }

    private static ConsumerRecord<String, String> record(int partition, long offset) {
        return new ConsumerRecord<>(TOPIC, partition, offset, "task", "value");
    }

    private static TopicPartition partition(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
