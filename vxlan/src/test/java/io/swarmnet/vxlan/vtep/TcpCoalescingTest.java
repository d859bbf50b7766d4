package io.swarmnet.vxlan.vtep;

import static io.swarmnet.vxlan.vtep.TestFrames.IP_2;
import static io.swarmnet.vxlan.vtep.TestFrames.IP_5;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_2;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_5;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.sys.VirtioNetHdr;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Receive-side coalescing: segments that one VTEP cut from a TSO frame come back together
 * at the other as one super-frame with a GSO virtio header, and anything that must not be
 * merged is not.
 */
class TcpCoalescingTest {
    static final int VNI = 4096;
    static final int MTU = 1350;
    static final int MSS = MTU - 20 - 32;
    static final int HOST_5 = Ipv4Address.parse("192.0.2.11");
    static final int HOST_2 = Ipv4Address.parse("192.0.2.12");

    private final RecordingUnderlay wire = new RecordingUnderlay();
    private final DataPath sender = new DataPath(new VtepCounters(), wire);
    private final FakePort port5 = new FakePort(1, VNI);
    private final VtepCounters counters = new VtepCounters();
    private final DataPath receiver = new DataPath(counters, new RecordingUnderlay());
    private final FakePort port2 = new FakePort(2, VNI);

    TcpCoalescingTest() {
        sender.addPort(port5);
        sender.publish(OverlayTables.builder(1).peer(HOST_2).network(VNI, MTU)
                .localPort(VNI, MAC_5, port5.id()).remote(VNI, MAC_2, HOST_2).build());
        wire.segmentation = false;
        receiver.addPort(port2);
        receiver.publish(OverlayTables.builder(1).peer(HOST_5).network(VNI, MTU)
                .localPort(VNI, MAC_2, port2.id()).remote(VNI, MAC_5, HOST_5).build());
    }

    @AfterEach
    void release() {
        sender.release();
        receiver.release();
    }

    /** Cuts a super-frame of {@code payload} bytes into VXLAN datagrams, one per segment. */
    private List<byte[]> datagrams(int seq, int payload, int flags) {
        ByteBuf frame = TestFrames.superFrame(MAC_2, MAC_5, IP_5, IP_2, seq, 77, payload, MSS, flags, false);
        try {
            sender.fromPort(port5, frame, 0, frame.readableBytes());
        } finally {
            frame.release();
        }
        List<byte[]> out = new ArrayList<>();
        wire.sent.forEach(sent -> out.add(sent.bytes()));
        wire.sent.clear();
        return out;
    }

    private void receive(byte[] datagram) {
        ByteBuf buf = Unpooled.directBuffer(datagram.length).writeBytes(datagram);
        try {
            receiver.fromPeer(HOST_5, buf, 0, datagram.length);
        } finally {
            buf.release();
        }
    }

    @Test
    void mergesTheSegmentsOfATsoFrameBackIntoOne() {
        int payload = 20 * MSS + 100;
        for (byte[] datagram : datagrams(1000, payload, TcpView.ACK | TcpView.PSH)) {
            receive(datagram);
        }
        receiver.flush();
        assertThat(port2.written).hasSize(1);
        ByteBuf frame = Unpooled.wrappedBuffer(port2.written.get(0));
        VirtioNetHdr vnet = new VirtioNetHdr();
        vnet.wrap(frame, 0);
        assertThat(vnet.flags()).isEqualTo(VirtioNetHdr.F_NEEDS_CSUM);
        assertThat(vnet.gsoType()).isEqualTo(VirtioNetHdr.GSO_TCPV4);
        assertThat(vnet.gsoSize()).isEqualTo(MSS);
        assertThat(vnet.hdrLen()).isEqualTo(14 + 20 + 32);
        assertThat(vnet.csumStart()).isEqualTo(14 + 20);
        assertThat(vnet.csumOffset()).isEqualTo(16);
        Ipv4View ip = new Ipv4View();
        assertThat(ip.wrap(frame, SwitchPort.VNET_HEADER_LENGTH + 14)).isTrue();
        assertThat(ip.totalLength()).isEqualTo(20 + 32 + payload);
        assertThat(ip.isChecksumValid()).isTrue();
        TcpView tcp = new TcpView();
        assertThat(tcp.wrap(frame, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(tcp.sequence()).isEqualTo(1000);
        assertThat(tcp.flags()).isEqualTo(TcpView.ACK | TcpView.PSH);
        assertThat(tcp.checksum()).isEqualTo(Checksums.pseudoHeaderSum(IP_5, IP_2, 6, 32 + payload));
        for (int i = 0; i < payload; i++) {
            assertThat(frame.getByte(tcp.offset() + 32 + i)).isEqualTo((byte) (1000 + i));
        }
        assertThat(counters.forVni(VNI).rxPackets()).isEqualTo(21);
    }

    @Test
    void passesASingleSegmentOnUnchanged() {
        List<byte[]> one = datagrams(1000, 500, TcpView.ACK);
        receive(one.get(0));
        receiver.flush();
        byte[] inner = java.util.Arrays.copyOfRange(one.get(0), 8, one.get(0).length);
        assertThat(port2.written).containsExactly(TestFrames.concat(new byte[SwitchPort.VNET_HEADER_LENGTH], inner));
    }

    @Test
    void neverMergesASegmentWithABadChecksum() {
        List<byte[]> segments = datagrams(1000, 3 * MSS, TcpView.ACK);
        segments.get(1)[8 + 14 + 20 + 32 + 7] ^= 1; // a bit flipped on the underlay
        segments.forEach(this::receive);
        receiver.flush();
        assertThat(port2.written).hasSize(3);
        assertThat(port2.written.get(1)[1]).as("gso type of the corrupt one").isZero();
    }

    @Test
    void endsTheFrameAtAGapInTheSequence() {
        List<byte[]> segments = datagrams(1000, 4 * MSS, TcpView.ACK);
        receive(segments.get(0));
        receive(segments.get(1));
        receive(segments.get(3));
        receiver.flush();
        assertThat(port2.written).hasSize(2);
        assertThat(port2.written.get(0)[1]).isEqualTo((byte) VirtioNetHdr.GSO_TCPV4);
        assertThat(port2.written.get(1)[1]).isZero();
    }

    @Test
    void keepsFinAndPureAcksOutOfMergedFrames() {
        List<byte[]> segments = datagrams(1000, 3 * MSS, TcpView.ACK | TcpView.FIN);
        segments.forEach(this::receive);
        receiver.flush();
        // The last segment carries FIN: it goes alone, after the merged first two.
        assertThat(port2.written).hasSize(2);
        assertThat(TestFrames.tcpFlags(java.util.Arrays.copyOfRange(port2.written.get(1), 10, port2.written.get(1).length)))
                .isEqualTo(TcpView.ACK | TcpView.FIN);
    }
}
