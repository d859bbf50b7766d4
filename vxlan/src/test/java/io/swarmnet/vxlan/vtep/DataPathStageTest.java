package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.stage.BatchClock;
import io.swarmnet.packet.testing.Frames;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The frame stage inside the data path, with a {@link FakeStage} playing a load balancer: a
 * frame it rewrites reaches its new destination, local or behind a peer, whole or cut from
 * a TSO frame; every frame to a local port passes it, from a port or from a peer; its own
 * frames reach the asking port or, when it housekeeps, the port of their MAC; and its clock
 * is read once per batch. The load balancer itself is tested in {@code ipvs-lb}, and through
 * a real VTEP in the agent's lab tests.
 */
class DataPathStageTest {
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
    /** The time the stage reads, and how many times it asked. */
    private final long[] time = {1_000_000_000L, 0};
    private final BatchClock clock = new BatchClock(() -> {
        time[1]++;
        return time[0];
    });
    private final FakeStage stage = new FakeStage(VIP, VIP_MAC, LOCAL, LOCAL_MAC, clock);
    private final DataPath path = new DataPath(new VtepCounters(), underlay, stage, clock);
    /** Any local port may be a client: a task's, or the routing mesh's node ingress port. */
    private final FakePort client = new FakePort(1, VNI);
    private final FakePort local = new FakePort(2, VNI);

    DataPathStageTest() {
        path.addPort(client);
        path.addPort(local);
        path.publish(OverlayTables.builder(1).peer(PEER).network(VNI, MTU)
                .localPort(VNI, CLIENT_MAC, client.id()).localPort(VNI, LOCAL_MAC, local.id())
                .remote(VNI, REMOTE_MAC, PEER)
                .arp(VNI, CLIENT, CLIENT_MAC).arp(VNI, LOCAL, LOCAL_MAC).arp(VNI, REMOTE, REMOTE_MAC)
                .arp(VNI, VIP, VIP_MAC)
                .build());
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

    private static int dstIp(byte[] frame, int at) {
        return Unpooled.wrappedBuffer(frame).getInt(at + ETH + 16);
    }

    private static int srcIp(byte[] frame, int at) {
        return Unpooled.wrappedBuffer(frame).getInt(at + ETH + 12);
    }

    private static long srcMac(byte[] frame, int at) {
        return Unpooled.wrappedBuffer(frame).getLong(at + 6) >>> 16;
    }

    @Test
    void switchesARewrittenFrameByItsNewDestinationToALocalOrARemoteBackend() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        stage.backend = REMOTE;
        stage.backendMac = REMOTE_MAC;
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1001, 80, 1, 0, TcpView.SYN, 0));
        path.flush();
        assertThat(local.written).hasSize(1);
        assertThat(dstIp(local.written.get(0), V)).isEqualTo(LOCAL);
        assertThat(underlay.sent).hasSize(1);
        assertThat(underlay.sent.get(0).peer()).isEqualTo(PEER);
        assertThat(dstIp(underlay.sent.get(0).bytes(), 8)).isEqualTo(REMOTE);
    }

    @Test
    void framesTheSwitchCanPlaceSkipTheStagesFromPort() {
        fromPort(local, tcp(CLIENT_MAC, LOCAL_MAC, LOCAL, CLIENT, 80, 1000, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        fromPort(client, tcp(REMOTE_MAC, CLIENT_MAC, CLIENT, REMOTE, 1000, 80, 1, 0, TcpView.SYN, 0));
        path.flush();
        assertThat(stage.fromPortCalls).isZero();
        assertThat(client.written).hasSize(1);
        assertThat(underlay.sent).hasSize(1);
    }

    @Test
    void everyFrameToALocalPortPassesTheStageFromAPortOrAPeer() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        stage.backend = REMOTE;
        stage.backendMac = REMOTE_MAC;
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1001, 80, 1, 0, TcpView.SYN, 0));
        fromPeer(tcp(CLIENT_MAC, REMOTE_MAC, REMOTE, CLIENT, 80, 1001, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        stage.backend = LOCAL;
        stage.backendMac = LOCAL_MAC;
        fromPort(local, tcp(CLIENT_MAC, LOCAL_MAC, LOCAL, CLIENT, 80, 1000, 9, 2, TcpView.SYN | TcpView.ACK, 0));
        assertThat(client.written).hasSize(2);
        for (byte[] reply : client.written) {
            assertThat(srcIp(reply, V)).isEqualTo(VIP);
            assertThat(srcMac(reply, V)).isEqualTo(VIP_MAC);
        }
        assertThat(stage.rewrittenReplies).isEqualTo(2);
    }

    @Test
    void writesTheStagesAnswerToTheAskingPort() {
        byte[] answer = tcp(CLIENT_MAC, VIP_MAC, VIP, CLIENT, 80, 1000, 0, 2, TcpView.RST | TcpView.ACK, 0);
        stage.reply = answer;
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        assertThat(client.written).hasSize(1);
        byte[] written = client.written.get(0);
        assertThat(java.util.Arrays.copyOfRange(written, 0, V)).as("a zero virtio header").isEqualTo(new byte[V]);
        assertThat(java.util.Arrays.copyOfRange(written, V, written.length)).isEqualTo(answer);
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void aFrameTheStageDropsGoesNowhere() {
        stage.drop = true;
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 1000, 80, 1, 0, TcpView.SYN, 0));
        path.flush();
        assertThat(client.written).isEmpty();
        assertThat(local.written).isEmpty();
        assertThat(underlay.sent).isEmpty();
    }

    @Test
    void housekeepingSendsTheStagesFramesToThePortOfTheirMac() {
        byte[] rst = tcp(CLIENT_MAC, VIP_MAC, VIP, CLIENT, 80, 1001, 10, 0, TcpView.RST, 0);
        stage.vni = VNI;
        stage.housekeepFrame = rst;
        stage.housekeepMac = CLIENT_MAC;
        path.housekeep();
        assertThat(client.written).hasSize(1);
        assertThat(java.util.Arrays.copyOfRange(client.written.get(0), V, V + rst.length)).isEqualTo(rst);
        assertThat(local.written).isEmpty();
    }

    @Test
    void readsTheClockOncePerBatchAndHousekeepsWithTheTimeOfItsOwn() {
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2000, 80, 1, 0, TcpView.SYN, 0));
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2001, 80, 1, 0, TcpView.SYN, 0));
        assertThat(time[1]).as("one batch, one reading").isEqualTo(1);
        path.flush();
        path.housekeep();
        assertThat(time[1]).as("housekeeping reads the time anew").isEqualTo(2);
        fromPort(client, tcp(VIP_MAC, CLIENT_MAC, CLIENT, VIP, 2002, 80, 1, 0, TcpView.SYN, 0));
        assertThat(time[1]).as("housekeeping leaves no reading to the next batch").isEqualTo(3);
    }

    @Test
    void segmentsATsoFrameTheStageRewroteWithItsNewDestination() {
        stage.backend = REMOTE;
        stage.backendMac = REMOTE_MAC;
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
                segments++;
            }
        }
        assertThat(segments).isEqualTo(4);
    }
}
