package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.Resource;
import io.swarmnet.sys.testing.TestNamespace;
import io.swarmnet.vxlan.vtep.Vtep;
import io.swarmnet.vxlan.vtep.VtepConfig;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link TwoHostOverlayTest}'s ping, TCP and UDP through VTEPs with an event loop on each
 * of CPUs 0 and 1: multi-queue TAPs steered by CPU and by flow, a SO_REUSEPORT group of
 * two sockets per host, and frames handed between the shards. Needs the two CPUs, which CI has.
 */
class ShardedTwoHostOverlayTest extends TwoHostOverlayTest {
    @Override
    Vtep start(OverlayLab lab, TestNamespace host, int address) throws IOException {
        CpuSet mine = Resource.threadAffinity();
        assumeTrue(mine.contains(0) && mine.contains(1), "needs CPUs 0 and 1, has " + mine);
        // Gathering from 2,000 packets a second: the digesting TCP helper moves 10-20 MB/s,
        // which under load on CI stays near the default's 20,000.
        return lab.startVtep(host, VtepConfig.builder(address).cpus(CpuSet.of(0, 1)).gatherAbove(GATHER_ABOVE).build());
    }

    private static final long GATHER_ABOVE = 2_000;

    @Test
    void runsALoopPerCpu() {
        assertThat(vtepA().loops()).isEqualTo(2);
    }

    /**
     * A bulk transfer (thousands of packets a second, over this VTEP's threshold of
     * {@value #GATHER_ABOVE}) gathers host A's traffic on shard 0; it arrives intact while
     * the steering switches, and a quiet second later steering goes by CPU again, and ping
     * still works both ways.
     */
    @Test
    void gathersHeavyTrafficOnOneLoopAndSpreadsItAgainWhenQuiet() throws Exception {
        AtomicBoolean gathered = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!done.get() && !gathered.get()) {
                gathered.set(!vtepA().steeringByCpu());
                LockSupport.parkNanos(5_000_000);
            }
        });
        watcher.start();
        Traffic.Digest[] sent;
        try {
            sent = Traffic.tcp(taskA().ns(), IP_A, taskB().ns(), IP_B, 5011, 100 * MIB, 1, 60);
        } finally {
            done.set(true);
            watcher.join();
        }
        assertThat(sent[1]).isEqualTo(sent[0]);
        assertThat(gathered).as("gathered on shard 0 during the transfer").isTrue();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!vtepA().steeringByCpu() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(vtepA().steeringByCpu()).as("by CPU again after a quiet second").isTrue();
        assertThat(taskA().ping(IP_B, 3)).as("A → B").isTrue();
        assertThat(taskB().ping(IP_A, 3)).as("B → A").isTrue();
    }
}
