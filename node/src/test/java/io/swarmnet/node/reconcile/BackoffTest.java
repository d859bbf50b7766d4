package io.swarmnet.node.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static List<Long> delays(Backoff backoff, int n) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            millis.add(backoff.next().toMillis());
        }
        return millis;
    }

    @Test
    void doublesFrom100MillisecondsUpToTheTenSecondCap() {
        Backoff backoff = new Backoff(Backoff.INITIAL, Backoff.MAX);

        assertThat(delays(backoff, 10)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L);
    }

    @Test
    void aResetStartsOverFromTheInitialDelay() {
        Backoff backoff = new Backoff(Backoff.INITIAL, Backoff.MAX);
        delays(backoff, 4);

        backoff.reset();

        assertThat(delays(backoff, 2)).containsExactly(100L, 200L);
    }

    @Test
    void refusesAZeroInitialDelayOrACapBelowIt() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Backoff.MAX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
