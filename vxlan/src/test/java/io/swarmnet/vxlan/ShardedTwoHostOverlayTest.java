package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.Resource;
import io.swarmnet.vxlan.vtep.Vtep;
import io.swarmnet.vxlan.vtep.VtepConfig;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@link TwoHostOverlayTest}'s ping, TCP and UDP through VTEPs with an event loop on each
 * of CPUs 0 and 1: multi-queue TAPs steered by CPU and by flow, a SO_REUSEPORT group of
 * two sockets per host, and frames handed between the shards. Needs the two CPUs, which CI has.
 */
class ShardedTwoHostOverlayTest extends TwoHostOverlayTest {
    @Override
    Vtep start(OverlayLab lab, Namespace host, int address) throws IOException {
        CpuSet mine = Resource.threadAffinity();
        assumeTrue(mine.contains(0) && mine.contains(1), "needs CPUs 0 and 1, has " + mine);
        return lab.startVtep(host, VtepConfig.builder(address).cpus(CpuSet.of(0, 1)).build());
    }

    @Test
    void runsALoopPerCpu() {
        assertThat(vtepA().loops()).isEqualTo(2);
    }
}
