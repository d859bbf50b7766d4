package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.testing.TestNamespace;
import io.swarmnet.vxlan.OverlayLab.Task;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.DropReason;
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
 * Two hosts, each with a swarmnet VTEP (epoll) inside its namespace, and a task on each:
 * ping, TCP and UDP cross the overlay both ways over a 1400-byte underlay, with TSO
 * super-frames from the TAPs cut into 1350-byte segments on the way.
 */
@Tag("privileged")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoHostOverlayTest {
    /** Read by the subclass that runs the same traffic through one loop per CPU, as are the tasks. */
    Vtep vtepA() {
        return vtepA;
    }

    Task taskA() {
        return taskA;
    }

    Task taskB() {
        return taskB;
    }

    static final int VNI = 4096;
    static final int IP_A = Ipv4Address.parse("10.0.0.2");
    static final int IP_B = Ipv4Address.parse("10.0.0.3");
    static final long MIB = 1 << 20;

    private OverlayLab lab;
    private Vtep vtepA;
    private Vtep vtepB;
    private Task taskA;
    private Task taskB;

    @BeforeAll
    void build() throws IOException {
        lab = new OverlayLab();
        vtepA = start(lab, lab.hostA(), OverlayLab.HOST_A);
        vtepB = start(lab, lab.hostB(), OverlayLab.HOST_B);
        taskA = lab.attachTask(vtepA, lab.hostA(), VNI, IP_A);
        taskB = lab.attachTask(vtepB, lab.hostB(), VNI, IP_B);
        vtepA.publish(tables(1, taskA, taskB, OverlayLab.HOST_B));
        vtepB.publish(tables(1, taskB, taskA, OverlayLab.HOST_A));
    }

    /** Starts a host's VTEP: one event loop, as the agent's default. */
    Vtep start(OverlayLab lab, TestNamespace host, int address) throws IOException {
        return lab.startVtep(host, address, Transport.EPOLL);
    }

    /** Tables of a host with {@code local} on a port and {@code remote} behind {@code remoteVtep}. */
    static OverlayTables tables(long version, Task local, Task remote, int remoteVtep) {
        return OverlayTables.builder(version)
                .peer(remoteVtep)
                .network(VNI, OverlayLab.OVERLAY_MTU)
                .localPort(VNI, local.mac(), local.port().id())
                .remote(VNI, remote.mac(), remoteVtep)
                .arp(VNI, local.ip(), local.mac())
                .arp(VNI, remote.ip(), remote.mac())
                .build();
    }

    @AfterAll
    void tearDown() throws IOException {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void pingsAcrossHostsBothWays() throws IOException {
        assertThat(taskA.ping(IP_B, 3)).as("A → B").isTrue();
        assertThat(taskB.ping(IP_A, 3)).as("B → A").isTrue();
        NetworkCounters a = vtepA.counters().network(VNI);
        assertThat(a.txPackets()).isGreaterThanOrEqualTo(6);
        assertThat(a.rxPackets()).isGreaterThanOrEqualTo(6);
        assertThat(a.arpReplies()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void carriesTcpIntactBothWays() throws IOException {
        Traffic.Digest[] ab = Traffic.tcp(taskA.ns(), IP_A, taskB.ns(), IP_B, 5001, 100 * MIB, 1, 60);
        assertThat(ab[1]).as("A → B").isEqualTo(ab[0]);
        Traffic.Digest[] ba = Traffic.tcp(taskB.ns(), IP_B, taskA.ns(), IP_A, 5002, 100 * MIB, 2, 60);
        assertThat(ba[1]).as("B → A").isEqualTo(ba[0]);
        // The TAPs hand over TSO super-frames; none of them may have been refused.
        assertThat(vtepA.counters().network(VNI).drops(DropReason.BAD_OFFLOAD)).isZero();
        assertThat(vtepA.counters().network(VNI).drops(DropReason.OVERSIZE)).isZero();
    }

    @Test
    void carriesUdpBothWays() throws IOException {
        assertThat(Traffic.udpEcho(taskA.ns(), IP_A, taskB.ns(), IP_B, 5003, 50, 1200)).as("A → B").isEqualTo(50);
        assertThat(Traffic.udpEcho(taskB.ns(), IP_B, taskA.ns(), IP_A, 5004, 50, 64)).as("B → A").isEqualTo(50);
    }
}
