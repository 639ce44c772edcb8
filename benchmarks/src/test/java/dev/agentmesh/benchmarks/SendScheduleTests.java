package dev.agentmesh.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendScheduleTests {

    private static final long PERIOD = 20_000_000;

    @Test
    void everySessionSendsOncePerPeriodFromItsOwnPhase() {
        SendSchedule schedule = new SendSchedule(4, PERIOD, 1_000);

        List<String> sends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sends.add(schedule.nextSession() + "@" + schedule.nextDue());
            schedule.take(schedule.nextDue());
        }

        assertThat(sends).containsExactly("0@1000", "1@5001000", "2@10001000", "3@15001000",
                "0@20001000", "1@25001000", "2@30001000", "3@35001000");
    }

    @Test
    void aSendTakenAfterItsDueTimeIsLateByTheDifference() {
        SendSchedule schedule = new SendSchedule(2, PERIOD, 0);

        assertThat(schedule.take(3_000_000)).isEqualTo(3_000_000);
        assertThat(schedule.take(10_000_000)).isZero();
        assertThat(schedule.take(19_000_000)).isEqualTo(-1_000_000);
    }

    @Test
    void aGeneratorThatFellBehindKeepsTheScheduleAndOwesEverySendItMissed() {
        // given a generator that stalls for 100 ms at the start of a 10-session schedule
        SendSchedule schedule = new SendSchedule(10, PERIOD, 0);
        long now = 100_000_000;

        // when it sends everything due by then
        long worst = 0;
        int sent = 0;
        while (schedule.nextDue() <= now) {
            worst = Math.max(worst, schedule.take(now));
            sent++;
        }

        // then it owes 5 periods × 10 sessions (plus the send due exactly at 100 ms), the first 100 ms late,
        // and the next send is due on the original grid, not shifted by the stall
        assertThat(sent).isEqualTo(51);
        assertThat(worst).isEqualTo(100_000_000);
        assertThat(schedule.nextDue()).isEqualTo(102_000_000);
        assertThat(schedule.taken()).isEqualTo(51);
    }

    @Test
    void refusesAScheduleWithoutSessions() {
        assertThatThrownBy(() -> new SendSchedule(0, PERIOD, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a session");
    }
}
