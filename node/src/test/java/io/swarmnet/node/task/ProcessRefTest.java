package io.swarmnet.node.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRefTest {

    @Test
    void parsesStatWhoseCommandNameHoldsSpacesAndParentheses() {
        String stat = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assertThat(ProcessRef.parseStat(stat)).hasValue(new ProcessRef.Stat('S', 987654));
    }

    @Test
    void ignoresATruncatedStat() {
        assertThat(ProcessRef.parseStat("4242 (x) S 1 2")).isEmpty();
        assertThat(ProcessRef.parseStat("garbage")).isEmpty();
    }

    @Test
    void seesThisProcessAlive() {
        ProcessRef self = ProcessRef.of(ProcessHandle.current().pid()).orElseThrow();
        assertThat(self.alive()).isTrue();
    }

    @Test
    void neverTakesAReusedPidForTheProcessItPinned() {
        ProcessRef self = ProcessRef.of(ProcessHandle.current().pid()).orElseThrow();
        ProcessRef other = new ProcessRef(self.pid(), self.startTime() + 1);
        assertThat(other.alive()).isFalse();
        assertThat(ProcessRef.terminate(List.of(other), Duration.ofMillis(100))).isEmpty();
        assertThat(self.alive()).isTrue();
    }

    @Test
    void terminatesWithSigtermAndSigkillsWhatIgnoresIt() throws Exception {
        Process polite = new ProcessBuilder("sleep", "30").start();
        Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; while :; do sleep 0.1; done").start();
        try {
            ProcessRef p = ProcessRef.of(polite.pid()).orElseThrow();
            ProcessRef s = ProcessRef.of(stubborn.pid()).orElseThrow();
            long t0 = System.nanoTime();
            assertThat(ProcessRef.terminate(List.of(p, s), Duration.ofMillis(500))).isEmpty();
            assertThat(p.alive()).isFalse();
            assertThat(s.alive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        } finally {
            polite.destroyForcibly();
            stubborn.destroyForcibly();
        }
    }
}
