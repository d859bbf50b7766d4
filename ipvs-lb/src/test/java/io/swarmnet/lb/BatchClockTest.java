package io.swarmnet.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchClockTest {
    private long time = 100;
    private int readings;
    private final BatchClock clock = new BatchClock(() -> {
        readings++;
        return time;
    });

    @Test
    void readsTheSourceOncePerBatch() {
        assertThat(clock.getAsLong()).isEqualTo(100);
        time = 200;
        assertThat(clock.getAsLong()).as("the batch's time").isEqualTo(100);
        assertThat(readings).isEqualTo(1);
        clock.endBatch();
        assertThat(readings).as("ending a batch reads nothing").isEqualTo(1);
        assertThat(clock.getAsLong()).isEqualTo(200);
        assertThat(readings).isEqualTo(2);
    }

    @Test
    void anEmptyBatchCostsNoReading() {
        clock.endBatch();
        clock.endBatch();
        assertThat(readings).isZero();
    }
}
