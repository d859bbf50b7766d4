package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** When a sharded VTEP gathers traffic on shard 0 and when it spreads it by CPU again. */
class SteeringGovernorTest {
    private static final long TICK = SteeringGovernor.TICK_MILLIS * 1_000_000L;

    private final SteeringGovernor governor = new SteeringGovernor();
    private long packets;
    private long now = 1_000_000_000L;

    /** One tick in which the VTEP moved {@code perSecond} packets a second. */
    private boolean tick(long perSecond) {
        packets += perSecond * SteeringGovernor.TICK_MILLIS / 1000;
        now += TICK;
        return governor.tick(packets, now);
    }

    @Test
    void startsByCpuAndTheFirstTickOnlySetsTheBaseline() {
        assertThat(governor.byCpu()).isTrue();
        assertThat(governor.tick(1_000_000_000L, now)).as("a huge total, but no rate yet").isTrue();
        packets = 1_000_000_000L;
        assertThat(tick(1_000)).isTrue();
    }

    @Test
    void lightTrafficStaysByCpu() {
        governor.tick(0, now);
        for (int i = 0; i < 100; i++) {
            assertThat(tick(SteeringGovernor.GATHER_ABOVE)).isTrue();
        }
    }

    @Test
    void oneBusyTickGathersAndOnlyAQuietSecondSpreadsAgain() {
        governor.tick(0, now);
        assertThat(tick(SteeringGovernor.GATHER_ABOVE + 1_000)).isFalse();
        for (int i = 1; i < SteeringGovernor.QUIET_TICKS; i++) {
            assertThat(tick(0)).as("quiet tick %d", i).isFalse();
        }
        assertThat(tick(0)).isTrue();
    }

    @Test
    void aRateBetweenTheThresholdsOrABusyTickRestartsTheQuietSecond() {
        governor.tick(0, now);
        assertThat(tick(50_000)).isFalse();
        for (int round = 0; round < 3; round++) {
            for (int i = 1; i < SteeringGovernor.QUIET_TICKS; i++) {
                assertThat(tick(1_000)).isFalse();
            }
            assertThat(tick(round == 0 ? 15_000 : 50_000)).as("between the thresholds, or busy").isFalse();
        }
        for (int i = 1; i < SteeringGovernor.QUIET_TICKS; i++) {
            assertThat(tick(1_000)).isFalse();
        }
        assertThat(tick(1_000)).isTrue();
    }

    @Test
    void aLowerThresholdGathersAboveItAndSpreadsBelowItsHalf() {
        SteeringGovernor low = new SteeringGovernor(1_000);
        long n = 0;
        long t = now;
        low.tick(n, t);
        assertThat(low.tick(n += 90, t += TICK)).as("900/s").isTrue();
        assertThat(low.tick(n += 110, t += TICK)).as("1,100/s").isFalse();
        for (int i = 1; i < SteeringGovernor.QUIET_TICKS; i++) {
            assertThat(low.tick(n += 49, t += TICK)).as("490/s, tick %d", i).isFalse();
        }
        assertThat(low.tick(n += 49, t += TICK)).isTrue();
        assertThatThrownBy(() -> new SteeringGovernor(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VtepConfig.builder(0x0a000001).gatherAbove(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gather threshold 0");
        assertThat(VtepConfig.builder(0x0a000001).build().gatherAbove()).isEqualTo(SteeringGovernor.GATHER_ABOVE);
    }

    /** Bad input changes nothing: a total that went backwards (counters of a removed network) or a clock that stood still. */
    @Test
    void aTotalGoingBackwardsOrAStoppedClockChangesNothing() {
        governor.tick(1_000_000, now);
        now += TICK;
        assertThat(governor.tick(0, now)).as("went backwards").isTrue();
        assertThat(governor.tick(10_000_000, now)).as("no time passed").isTrue();
        packets = 10_000_000;
        assertThat(tick(SteeringGovernor.GATHER_ABOVE * 2)).as("rates count again from the new baseline").isFalse();
        assertThat(governor.tick(packets * 2, now - TICK)).as("clock went backwards").isFalse();
    }
}
