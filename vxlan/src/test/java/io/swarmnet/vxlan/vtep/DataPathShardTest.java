package io.swarmnet.vxlan.vtep;

import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.CLIENT;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.CLIENT_MAC;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.LOCAL;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.LOCAL_MAC;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.MTU;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.PEER;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.REMOTE;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.REMOTE_MAC;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.V;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.VIP;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.VIP_MAC;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.VNI;
import static io.swarmnet.vxlan.vtep.DataPathLoadBalancerTest.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.lb.BatchClock;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.lb.NatStage;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.BackendState;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.TcpView;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.HandoffTest.ManualExecutor;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two shards of one VTEP, run by hand on this thread: the owner of the load balancer and
 * a shard that passes it what the load balancer must see. A VIP flow whose packets reach
 * the other shard is translated as if it had all reached the owner; traffic between tasks
 * without flows never waits for it.
 */
class DataPathShardTest {
    private final Fixture f = new Fixture(64);

    @AfterEach
    void release() {
        f.release();
    }

    static final class Fixture {
        private final VtepCounters counters = new VtepCounters(2);
        private final BatchClock clock = new BatchClock(() -> 1_000_000_000L);
        private final NatStage lb = new NatStage(LbConfig.builder().conntrackMax(1024).build(), clock);
        private final RecordingUnderlay ownerWire = new RecordingUnderlay();
        private final RecordingUnderlay shardWire = new RecordingUnderlay();
        private final DataPath owner = new DataPath(counters.stripe(0), ownerWire, lb, clock);
        private final ManualExecutor ownerLoop = new ManualExecutor();
        private final Handoff handoff;
        private final DataPath shard;
        /** Each shard has its own port objects (its own TAP queue) under the same ids. */
        private final FakePort ownerClient = new FakePort(1, VNI);
        private final FakePort ownerLocal = new FakePort(2, VNI);
        private final FakePort shardClient = new FakePort(1, VNI);
        private final FakePort shardLocal = new FakePort(2, VNI);

        Fixture(int slots) {
            handoff = new Handoff(slots, DataPath.MAX_TAP_FRAME, ownerLoop, new Handoff.Sink() {
                @Override
                public void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
                    owner.fromHandoff(kind, vni, port, buf, offset, length);
                }

                @Override
                public void drained() {
                    owner.flush();
                }
            });
            shard = new DataPath(counters.stripe(1), shardWire, lb, new BatchClock(() -> 0L), handoff);
            OverlayTables tables = OverlayTables.builder(1).peer(PEER).network(VNI, MTU)
                    .localPort(VNI, CLIENT_MAC, 1).localPort(VNI, LOCAL_MAC, 2)
                    .remote(VNI, REMOTE_MAC, PEER)
                    .arp(VNI, CLIENT, CLIENT_MAC).arp(VNI, LOCAL, LOCAL_MAC).arp(VNI, REMOTE, REMOTE_MAC)
                    .arp(VNI, VIP, VIP_MAC)
                    .build();
            for (DataPath p : new DataPath[] {owner, shard}) {
                p.publish(tables);
            }
            owner.addPort(ownerClient);
            owner.addPort(ownerLocal);
            shard.addPort(shardClient);
            shard.addPort(shardLocal);
            lb.publish(ServiceTable.builder(1, lb.table())
                    .service("web", VNI, VIP, VIP_MAC, SchedulerType.RR)
                    .backend(VNI, VIP, REMOTE, REMOTE_MAC, Backend.REMOTE, PEER, BackendState.ACTIVE, 1)
                    .build());
        }

        void release() {
            owner.release();
            shard.release();
            handoff.release();
        }

        private void shardFromPort(FakePort port, byte[] frame) {
            ByteBuf buf = TestFrames.fromTap(frame);
            try {
                shard.fromPort(port, buf, 0, buf.readableBytes());
            } finally {
                buf.release();
            }
            shard.flush();
        }

        private void shardFromPeer(byte[] frame) {
            ByteBuf datagram = TestFrames.vxlan(0x08, VNI, frame);
            try {
                shard.fromPeer(PEER, datagram, 0, datagram.readableBytes());
            } finally {
                datagram.release();
            }
            shard.flush();
        }

        static int ipAt(byte[] frame, int at) {
            return Unpooled.wrappedBuffer(frame).getInt(at);
        }

    }

    @Test
    void aVipFlowSeenByAnotherShardIsTranslatedByTheOwner() {
        f.shardFromPort(f.shardClient, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        assertThat(f.shardWire.sent).as("the shard does not balance").isEmpty();
        assertThat(f.ownerLoop.tasks).hasSize(1);
        f.ownerLoop.runAll();
        assertThat(f.ownerWire.sent).hasSize(1);
        assertThat(Fixture.ipAt(f.ownerWire.sent.get(0).bytes(), 8 + 14 + 16)).as("to the backend").isEqualTo(REMOTE);

        // The backend's answer reaches the other shard: the client has a flow, so the owner
        // translates it back, and writes it through its own queue of the client's TAP.
        f.shardFromPeer(tcp(CLIENT_MAC, REMOTE_MAC, REMOTE, CLIENT, 80, 1000, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        assertThat(f.shardClient.written).isEmpty();
        f.ownerLoop.runAll();
        assertThat(f.ownerClient.written).hasSize(1);
        assertThat(Fixture.ipAt(f.ownerClient.written.get(0), V + 14 + 12)).as("from the VIP").isEqualTo(VIP);
        assertThat(f.lb.counters().replyPackets()).isEqualTo(1);
        assertThat(f.counters.network(VNI).rxPackets()).as("counted once, by the owner").isEqualTo(1);
        assertThat(f.counters.stripe(0).network(VNI).rxPackets()).isEqualTo(1);
        assertThat(f.counters.stripe(1).network(VNI).rxPackets()).isZero();
    }

    @Test
    void aClientsTrafficOutsideItsVipFlowsStaysOnItsShard() {
        f.shardFromPort(f.shardClient, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        f.ownerLoop.runAll();
        // The same client, reached on another port by the backend's address: not the flow's end.
        f.shardFromPeer(tcp(CLIENT_MAC, REMOTE_MAC, REMOTE, CLIENT, 7000, 2000, 1, 0, TcpView.SYN, 0));
        assertThat(f.ownerLoop.tasks).isEmpty();
        assertThat(f.shardClient.written).hasSize(1);
        assertThat(Fixture.ipAt(f.shardClient.written.get(0), V + 14 + 12)).as("untranslated").isEqualTo(REMOTE);
    }

    @Test
    void trafficBetweenTasksWithoutFlowsStaysOnItsShard() {
        f.shardFromPeer(tcp(LOCAL_MAC, REMOTE_MAC, REMOTE, LOCAL, 5000, 80, 1, 0, TcpView.SYN, 0));
        f.shardFromPort(f.shardLocal, tcp(REMOTE_MAC, LOCAL_MAC, LOCAL, REMOTE, 80, 5000, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        assertThat(f.ownerLoop.tasks).isEmpty();
        assertThat(f.shardLocal.written).hasSize(1);
        assertThat(f.shardWire.sent).hasSize(1);
        assertThat(f.counters.network(VNI).rxPackets()).isEqualTo(1);
        assertThat(f.counters.network(VNI).txPackets()).isEqualTo(1);
    }

    @Test
    void aFullHandoffDropsAndCounts() {
        Fixture small = new Fixture(2);
        try {
            for (int port = 1000; port < 1003; port++) {
                ByteBuf buf = TestFrames.fromTap(tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, port, 80, 1, 0, TcpView.SYN, 0));
                try {
                    small.shard.fromPort(small.shardClient, buf, 0, buf.readableBytes());
                } finally {
                    buf.release();
                }
            }
            small.shard.flush();
            assertThat(small.counters.network(VNI).drops(DropReason.HANDOFF_FULL)).isEqualTo(1);
            small.ownerLoop.runAll();
            assertThat(small.ownerWire.sent).hasSize(2);
        } finally {
            small.release();
        }
    }
}
