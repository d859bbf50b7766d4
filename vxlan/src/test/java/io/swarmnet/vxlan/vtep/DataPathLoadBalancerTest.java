package io.swarmnet.vxlan.vtep;

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
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.testing.Frames;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load balancer inside the data path: a flow to a VIP from any local port reaches a
 * local or a remote backend, replies come back from the VIP whether the backend is local
 * or behind a peer, a ping to the VIP is answered, and a removed backend's client is reset.
 */
class DataPathLoadBalancerTest {
    static final int VNI = 4096;
    static final int MTU = 1450;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final int VIP = Ipv4Address.parse("10.0.0.2");
    static final long VIP_MAC = 0x02_42_0a_00_00_02L;
    static final int CLIENT = Ipv4Address.parse("10.0.0.10");
    static final long CLIENT_MAC = 0x02_42_0a_00_00_0aL;
    static final int LOCAL = Ipv4Address.parse("10.0.0.5");
    static final long LOCAL_MAC = 0x02_42_0a_00_00_05L;
    static final int REMOTE = Ipv4Address.parse("10.0.0.6");
    static final long REMOTE_MAC = 0x02_42_0a_00_00_06L;
    static final int ETH = EthernetView.HEADER_LENGTH;
    static final int V = SwitchPort.VNET_HEADER_LENGTH;

    private final RecordingUnderlay underlay = new RecordingUnderlay();
    /** The time the load balancer reads, and how many times it asked. */
    private final long[] time = {1_000_000_000L, 0};
    private final BatchClock clock = new BatchClock(() -> {
        time[1]++;
        return time[0];
    });
    private final DataPath path = new DataPath(new VtepCounters(), underlay,
            new NatStage(LbConfig.builder().conntrackMax(1024).build(), clock), clock);
    /** Any local port may be a client: a task's, or the routing mesh's node ingress port. */
    private final FakePort client = new FakePort(1, VNI);
    private final FakePort local = new FakePort(2, VNI);

    DataPathLoadBalancerTest() {
        path.addPort(client);
        path.addPort(local);
        path.publish(OverlayTables.builder(1).peer(PEER).network(VNI, MTU)
                .localPort(VNI, CLIENT_MAC, client.id()).localPort(VNI, LOCAL_MAC, local.id())
                .remote(VNI, REMOTE_MAC, PEER)
                .arp(VNI, CLIENT, CLIENT_MAC).arp(VNI, LOCAL, LOCAL_MAC).arp(VNI, REMOTE, REMOTE_MAC)
                .arp(VNI, VIP, VIP_MAC)
                .build());
        publishServices(1, true);
    }

    private void publishServices(long version, boolean withRemote) {
        ServiceTable.Builder b = ServiceTable.builder(version, path.loadBalancer().table())
                .service("web", VNI, VIP, VIP_MAC, SchedulerType.RR)
                .backend(VNI, VIP, LOCAL, LOCAL_MAC, local.id(), 0, BackendState.ACTIVE, 1);
        if (withRemote) {
            b.backend(VNI, VIP, REMOTE, REMOTE_MAC, Backend.REMOTE, PEER, BackendState.ACTIVE, 1);
        }
        path.loadBalancer().publish(b.build());
    }

    @AfterEach
    void release() {
        path.release();
    }

    /** Ethernet, IPv4 and TCP with right checksums, no virtio header. */
    static byte[] tcp(long dstMac, long srcMac, int src, int dst, int sport, int dport, int seq, int ack, int flags,
                      int payload) {
        int length = ETH + 40 + payload;
        ByteBuf b = Unpooled.buffer(length);
        try {
            EthernetView.write(b, 0, dstMac, srcMac, EthernetView.TYPE_IPV4);
            Ipv4View.write(b, ETH, 40 + payload, 1, 64, Ipv4View.PROTOCOL_TCP, src, dst);
            b.setShort(ETH + 20, sport);
            b.setShort(ETH + 22, dport);
            b.setInt(ETH + 24, seq);
            b.setInt(ETH + 28, ack);
            b.setByte(ETH + 32, 5 << 4);
            b.setByte(ETH + 33, flags);
            b.setShort(ETH + 34, 1000);
            b.writerIndex(length);
            int pseudo = Checksums.pseudoHeaderSum(src, dst, Ipv4View.PROTOCOL_TCP, 20 + payload);
            b.setShort(ETH + 36, ~Checksums.sum(b, ETH + 20, 20 + payload, pseudo) & 0xFFFF);
            return TestFrames.bytes(b, 0, length);
        } finally {
            b.release();
        }
    }

    private void fromPort(SwitchPort port, byte[] frame) {
        ByteBuf buf = TestFrames.fromTap(frame);
        try {
            path.fromPort(port, buf, 0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    private void fromPeer(byte[] frame) {
        ByteBuf datagram = TestFrames.vxlan(0x08, VNI, frame);
        try {
            path.fromPeer(PEER, datagram, 0, datagram.readableBytes());
        } finally {
            datagram.release();
        }
        path.flush();
    }

    private static boolean valid(byte[] frame, int at) {
        ByteBuf b = Unpooled.wrappedBuffer(frame);
        int ip = at + ETH;
        int l4 = b.getUnsignedShort(ip + 2) - 20;
        int pseudo = Checksums.pseudoHeaderSum(b.getInt(ip + 12), b.getInt(ip + 16), b.getUnsignedByte(ip + 9), l4);
        return Checksums.sum(b, ip, 20) == 0xFFFF && Checksums.sum(b, ip + 20, l4, pseudo) == 0xFFFF;
    }

    private static int dstIp(byte[] frame, int at) {
        return Unpooled.wrappedBuffer(frame).getInt(at + ETH + 16);
    }

    private static int srcIp(byte[] frame, int at) {
        return Unpooled.wrappedBuffer(frame).getInt(at + ETH + 12);
    }

    @Test
    void balancesVipFlowsOverLocalAndRemoteBackends() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1001, 80, 1, 0, TcpView.SYN, 0));
        path.flush();
        assertThat(local.written).hasSize(1);
        assertThat(dstIp(local.written.get(0), V)).isEqualTo(LOCAL);
        assertThat(valid(local.written.get(0), V)).isTrue();
        assertThat(underlay.sent).hasSize(1);
        assertThat(underlay.sent.get(0).peer()).isEqualTo(PEER);
        assertThat(dstIp(underlay.sent.get(0).bytes(), 8)).isEqualTo(REMOTE);
        assertThat(valid(underlay.sent.get(0).bytes(), 8)).isTrue();
    }

    @Test
    void repliesComeBackFromTheVipFromALocalOrARemoteBackend() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1001, 80, 1, 0, TcpView.SYN, 0));
        fromPort(local, tcp(CLIENT_MAC, LOCAL_MAC, LOCAL, CLIENT, 80, 1000, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        fromPeer(tcp(CLIENT_MAC, REMOTE_MAC, REMOTE, CLIENT, 80, 1001, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        assertThat(client.written).hasSize(2);
        for (byte[] reply : client.written) {
            assertThat(srcIp(reply, V)).isEqualTo(VIP);
            assertThat(Unpooled.wrappedBuffer(reply).getLong(V + 6) >>> 16).isEqualTo(VIP_MAC);
            assertThat(valid(reply, V)).isTrue();
        }
        assertThat(path.loadBalancer().counters().replyPackets()).isEqualTo(2);
    }

    @Test
    void answersAPingToTheVipOnTheAskingPort() {
        fromPort(client, Frames.hex(
                "0242 0a00 0002 0242 0a00 000a 0800 4500 001c 0001 0000 4001 66d8 0a00 000a 0a00 0002"
                        + "0800 f7fe 0001 0000"));
        assertThat(client.written).hasSize(1);
        byte[] reply = client.written.get(0);
        assertThat(srcIp(reply, V)).isEqualTo(VIP);
        assertThat(dstIp(reply, V)).isEqualTo(CLIENT);
        assertThat(reply[V + ETH + 20]).isZero();
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void resetsTheClientOfABackendThatLeft() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1001, 80, 1, 0, TcpView.SYN, 0));
        fromPeer(tcp(CLIENT_MAC, REMOTE_MAC, REMOTE, CLIENT, 80, 1001, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        client.written.clear();
        publishServices(2, false);
        path.housekeep();
        assertThat(client.written).hasSize(1);
        byte[] rst = client.written.get(0);
        assertThat(srcIp(rst, V)).isEqualTo(VIP);
        assertThat(rst[V + ETH + 33] & TcpView.RST).isNotZero();
        assertThat(Unpooled.wrappedBuffer(rst).getUnsignedShort(V + ETH + 22)).isEqualTo(1001);
        assertThat(valid(rst, V)).isTrue();
        assertThat(path.loadBalancer().conntrack().size()).isEqualTo(1);
    }

    @Test
    void readsTheClockOncePerBatchAndHousekeepsWithTheTimeOfItsOwn() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2000, 80, 1, 0, TcpView.SYN, 0));
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2001, 80, 1, 0, TcpView.SYN, 0));
        assertThat(time[1]).as("one batch, one reading").isEqualTo(1);
        path.flush();
        // An hour on, both embryonic flows have expired: housekeeping must see the new time.
        time[0] += 3_600_000_000_000L;
        path.housekeep();
        assertThat(time[1]).isEqualTo(2);
        assertThat(path.loadBalancer().conntrack().size()).isZero();
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2002, 80, 1, 0, TcpView.SYN, 0));
        assertThat(time[1]).as("housekeeping leaves no reading to the next batch").isEqualTo(3);
    }

    @Test
    void segmentsATsoFrameToAVipWithItsBackendsAddress() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 5001, 1, 0, TcpView.SYN, 0));
        ByteBuf sup = TestFrames.superFrame(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 7, 4000, 1000, TcpView.ACK, false);
        try {
            path.fromPort(client, sup, 0, sup.writerIndex());
        } finally {
            sup.release();
        }
        path.flush();
        assertThat(underlay.sent).isNotEmpty();
        int segments = 0;
        for (RecordingUnderlay.Sent s : underlay.sent) {
            int stride = s.segmentSize() > 0 ? s.segmentSize() : s.bytes().length;
            for (int at = 0; at < s.bytes().length; at += stride) {
                byte[] one = java.util.Arrays.copyOfRange(s.bytes(), at, Math.min(s.bytes().length, at + stride));
                assertThat(dstIp(one, 8)).isEqualTo(REMOTE);
                assertThat(valid(one, 8)).isTrue();
                segments++;
            }
        }
        assertThat(segments).isEqualTo(4);
    }
}
