package io.swarmnet.benchmarks.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfOddSampleIsTheMiddleValue() {
        assertThat(Stats.of(List.of(9.0, 1.0, 5.0))).isEqualTo(new Stats(3, 5.0, 1.0, 9.0));
    }

    @Test
    void medianOfEvenSampleIsTheMeanOfTheMiddlePair() {
        assertThat(Stats.of(List.of(4.0, 1.0, 3.0, 10.0)).median()).isEqualTo(3.5);
    }

    @Test
    void emptySampleIsRejected() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
