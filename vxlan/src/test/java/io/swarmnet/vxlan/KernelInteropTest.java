package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.vxlan.OverlayLab.Task;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.NetworkCounters;
import io.swarmnet.vxlan.vtep.Transport;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Wire compatibility with Linux: host A runs a swarmnet VTEP, host B the kernel's own
 * overlay as Docker builds it (bridge + {@code vxlan nolearning}, a static FDB entry for
 * A's task, a permanent neighbour entry in B's task). Both sides use VNI 4097 and port 4789.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KernelInteropTest {
    static final int VNI = 4097;
    static final int IP_A = Ipv4Address.parse("10.0.1.2");
    static final int IP_B = Ipv4Address.parse("10.0.1.3");
    static final long MIB = 1 << 20;

    private OverlayLab lab;
    private Vtep vtep;
    private Task swarmnetTask;
    private Task kernelTask;

    @BeforeAll
    void build() throws IOException {
        lab = new OverlayLab();
        vtep = lab.startVtep(lab.hostA(), OverlayLab.HOST_A, Transport.EPOLL);
        swarmnetTask = lab.attachTask(vtep, lab.hostA(), VNI, IP_A);
        lab.startKernelVtep(lab.hostB(), OverlayLab.HOST_B, VNI);
        kernelTask = lab.attachKernelTask(lab.hostB(), IP_B, true);
        lab.kernelFdb(lab.hostB(), swarmnetTask, OverlayLab.HOST_A);
        OverlayLab.staticNeighbour(kernelTask, swarmnetTask);
        vtep.publish(OverlayTables.builder(1)
                .peer(OverlayLab.HOST_B)
                .network(VNI, OverlayLab.OVERLAY_MTU)
                .localPort(VNI, swarmnetTask.mac(), swarmnetTask.port().id())
                .remote(VNI, kernelTask.mac(), OverlayLab.HOST_B)
                .arp(VNI, kernelTask.ip(), kernelTask.mac())
                .build());
    }

    @AfterAll
    void tearDown() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void pingsTheKernelVtepBothWays() throws IOException {
        assertThat(swarmnetTask.ping(IP_B, 3)).as("swarmnet → kernel").isTrue();
        assertThat(kernelTask.ping(IP_A, 3)).as("kernel → swarmnet").isTrue();
        NetworkCounters counters = vtep.counters().network(VNI);
        assertThat(counters.rxPackets()).isGreaterThanOrEqualTo(6);
        assertThat(counters.totalDrops()).isZero();
    }

    @Test
    void exchangesTcpWithTheKernelVtepBothWays() throws IOException {
        Traffic.Digest[] toKernel = Traffic.tcp(swarmnetTask.ns(), kernelTask.ns(), IP_B, 5001, 32 * MIB, 3, 60);
        assertThat(toKernel[1]).as("swarmnet → kernel").isEqualTo(toKernel[0]);
        Traffic.Digest[] fromKernel = Traffic.tcp(kernelTask.ns(), swarmnetTask.ns(), IP_A, 5002, 32 * MIB, 4, 60);
        assertThat(fromKernel[1]).as("kernel → swarmnet").isEqualTo(fromKernel[0]);
    }
}
