package io.swarmnet.benchmarks.lab.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitLatencyTest {

    @Test
    void aChangeCountsWhenTheLastWatcherHasIt() {
        List<String> commits = List.of("commit a 1000000 3000000 5", "commit b 10000000 12000000 6");
        Map<String, List<String>> watchers = Map.of(
                "m1", List.of("seen a 2000000", "seen b 15000000"),
                "w1", List.of("seen a 9000000", "seen b 11000000", "seen b 99000000"));

        Map<String, Double> figures = CommitLatency.of(commits, watchers);

        assertThat(figures).containsEntry(CommitLatency.P50, 5.0).containsEntry(CommitLatency.P99, 8.0)
                .containsEntry(CommitLatency.MAX, 8.0).containsEntry(CommitLatency.COMMIT_P50, 2.0);
    }

    @Test
    void aWatcherThatNeverSawAChangeIsAnError() {
        assertThatThrownBy(() -> CommitLatency.of(List.of("commit a 1 2 5"), Map.of("w2", List.of())))
                .isInstanceOf(IllegalStateException.class).hasMessage("w2 never saw a");
    }

    @Test
    void percentilesAreNearestRank() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }
        assertThat(CommitLatency.percentile(hundred, 50)).isEqualTo(50);
        assertThat(CommitLatency.percentile(hundred, 99)).isEqualTo(99);
        assertThat(CommitLatency.percentile(hundred, 100)).isEqualTo(100);
        assertThat(CommitLatency.percentile(new double[] {7}, 99)).isEqualTo(7);
    }
}
