package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.lb.BatchClock;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.lb.NatStage;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.BackendState;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;

/**
 * Fuzzes the two ways bytes from outside enter the data path: VXLAN datagrams from a peer
 * and frames (virtio header first) from a task's TAP. Whatever the bytes, the data path
 * must answer with a delivery or a counted drop, never an exception ({@link
 * DropReason#INTERNAL_ERROR} would mean one was caught).
 *
 * <p>Without {@code JAZZER_FUZZ} these run the seeds under {@code src/test/resources} as
 * regression tests; {@code JAZZER_FUZZ=1 mvn -pl vxlan test -Dtest=DataPathFuzzTest} fuzzes
 * each for the bounded {@code maxDuration}.
 */
class DataPathFuzzTest {
    static final int VNI = 4096;
    static final int PEER = Ipv4Address.parse("192.0.2.12");

    /**
     * Tables that make most inputs reach deep: both test MACs known, ARP answers, one peer;
     * and the seeds' destination 10.0.0.2 is also a VIP with a backend behind the peer, so
     * TAP frames go through the load balancer (a small conntrack: one data path per input).
     */
    private static DataPath newDataPath(VtepCounters counters, RecordingUnderlay underlay, FakePort... ports) {
        BatchClock clock = new BatchClock(System::nanoTime);
        NatStage lb = new NatStage(LbConfig.builder().conntrackMax(16).build(), clock);
        lb.publish(ServiceTable.builder(1).service("fuzz", VNI, TestFrames.IP_2, TestFrames.MAC_2, SchedulerType.RR)
                .backend(VNI, TestFrames.IP_2, TestFrames.IP_5, TestFrames.MAC_5, Backend.REMOTE, PEER,
                        BackendState.ACTIVE, 1)
                .build());
        DataPath path = new DataPath(counters, underlay, lb, clock);
        for (FakePort port : ports) {
            path.addPort(port);
        }
        path.publish(OverlayTables.builder(1).peer(PEER).network(VNI, 1350)
                .localPort(VNI, TestFrames.MAC_2, 7)
                .remote(VNI, TestFrames.MAC_5, PEER)
                .arp(VNI, TestFrames.IP_5, TestFrames.MAC_5)
                .arp(VNI, TestFrames.IP_2, TestFrames.MAC_2)
                .build());
        return path;
    }

    @FuzzTest(maxDuration = "60s")
    void decapsulationCountsEveryInput(byte[] datagram) {
        VtepCounters counters = new VtepCounters();
        DataPath path = newDataPath(counters, new RecordingUnderlay(), new FakePort(7, VNI));
        ByteBuf buf = Unpooled.directBuffer(Math.max(1, datagram.length)).writeBytes(datagram);
        try {
            path.fromPeer(PEER, buf, 0, datagram.length);
            path.flush();
        } finally {
            buf.release();
            path.release();
        }
        assertThat(counters.node().drops(DropReason.INTERNAL_ERROR)).isZero();
    }

    @FuzzTest(maxDuration = "60s")
    void tapIngressCountsEveryInput(byte[] frame) {
        VtepCounters counters = new VtepCounters();
        FakePort port = new FakePort(7, VNI);
        DataPath path = newDataPath(counters, new RecordingUnderlay(), port);
        ByteBuf buf = Unpooled.directBuffer(Math.max(1, frame.length)).writeBytes(frame);
        try {
            path.fromPort(port, buf, 0, frame.length);
            path.flush();
        } finally {
            buf.release();
            path.release();
        }
        assertThat(counters.node().drops(DropReason.INTERNAL_ERROR)).isZero();
    }
}
