package io.swarmnet.vxlan.vtep;

import static io.swarmnet.vxlan.vtep.TestFrames.IP_2;
import static io.swarmnet.vxlan.vtep.TestFrames.IP_5;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_2;
import static io.swarmnet.vxlan.vtep.TestFrames.MAC_5;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.VxlanView;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import io.swarmnet.vxlan.vtep.TestFrames.RecordingUnderlay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TSO: a 64 KiB TCP/IPv4 super-frame from a TAP comes out as MSS-sized VXLAN segments with
 * the headers a NIC would give them, checked field by field and with the packet module's
 * independent checksum code.
 */
class TcpSegmentationTest {
    static final int VNI = 4096;
    static final int MTU = 1350;
    static final int MSS = MTU - 20 - 32;
    /** The largest TCP payload an IPv4 packet holds with a 20-byte IP and a 32-byte TCP header. */
    static final int PAYLOAD = 65535 - 20 - 32;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final int SEQ = 0xFFFF_F000; // wraps during the frame
    static final int IP_ID = 0xFFF0; // wraps too

    private final VtepCounters counters = new VtepCounters();
    private final RecordingUnderlay underlay = new RecordingUnderlay();
    private final DataPath path = new DataPath(counters, underlay);
    private final FakePort port = new FakePort(1, VNI);

    TcpSegmentationTest() {
        path.addPort(port);
        path.publish(OverlayTables.builder(1).peer(PEER).network(VNI, MTU)
                .localPort(VNI, MAC_5, port.id()).remote(VNI, MAC_2, PEER).build());
    }

    @AfterEach
    void release() {
        path.release();
    }

    private List<byte[]> segmentsOf(int flags, boolean ecn) {
        ByteBuf frame = TestFrames.superFrame(MAC_2, MAC_5, IP_5, IP_2, SEQ, IP_ID, PAYLOAD, MSS, flags, ecn);
        try {
            path.fromPort(port, frame, 0, frame.readableBytes());
        } finally {
            frame.release();
        }
        List<byte[]> segments = new ArrayList<>();
        for (RecordingUnderlay.Sent sent : underlay.sent) {
            int stride = sent.segmentSize() == 0 ? sent.bytes().length : sent.segmentSize();
            for (int at = 0; at < sent.bytes().length; at += stride) {
                int length = Math.min(stride, sent.bytes().length - at);
                byte[] segment = new byte[length];
                System.arraycopy(sent.bytes(), at, segment, 0, length);
                segments.add(segment);
            }
        }
        return segments;
    }

    @Test
    void cutsA64KibSuperFrameIntoCorrectSegments() {
        List<byte[]> segments = segmentsOf(TcpView.ACK | TcpView.PSH | TcpView.FIN, false);
        int expected = (PAYLOAD + MSS - 1) / MSS;
        assertThat(segments).hasSize(expected);
        Ipv4View ip = new Ipv4View();
        TcpView tcp = new TcpView();
        int payloadSeen = 0;
        for (int i = 0; i < segments.size(); i++) {
            byte[] segment = segments.get(i);
            int length = Math.min(MSS, PAYLOAD - i * MSS);
            assertThat(segment).as("segment %d", i).hasSize(VxlanView.HEADER_LENGTH + 14 + 20 + 32 + length);
            ByteBuf buf = Unpooled.wrappedBuffer(segment);
            assertThat(buf.getInt(0)).isEqualTo(0x0800_0000);
            assertThat(buf.getInt(4)).isEqualTo(VNI << 8);
            assertThat(ip.wrap(buf, 8 + 14)).isTrue();
            assertThat(ip.totalLength()).isEqualTo(20 + 32 + length);
            assertThat(ip.identification()).isEqualTo((IP_ID + i) & 0xFFFF);
            assertThat(ip.dontFragment()).isTrue();
            assertThat(ip.isChecksumValid()).as("IPv4 checksum of segment %d", i).isTrue();
            assertThat(tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
            assertThat(tcp.sequence()).isEqualTo(SEQ + i * MSS);
            assertThat(tcp.headerLength()).isEqualTo(32);
            assertThat(tcp.isChecksumValid(IP_5, IP_2)).as("TCP checksum of segment %d", i).isTrue();
            boolean last = i == segments.size() - 1;
            assertThat(tcp.flags()).isEqualTo(last ? TcpView.ACK | TcpView.PSH | TcpView.FIN : TcpView.ACK);
            for (int j = 0; j < length; j++) {
                assertThat(buf.getByte(tcp.offset() + 32 + j)).isEqualTo((byte) (SEQ + i * MSS + j));
            }
            payloadSeen += length;
        }
        assertThat(payloadSeen).isEqualTo(PAYLOAD);
        assertThat(counters.forVni(VNI).txPackets()).isEqualTo(expected);
    }

    @Test
    void batchesSegmentsIntoUdpGsoSendsWithinKernelLimits() {
        List<byte[]> segments = segmentsOf(TcpView.ACK, false);
        int stride = VxlanView.HEADER_LENGTH + 14 + 20 + 32 + MSS;
        assertThat(underlay.sent.size()).isLessThan(segments.size());
        for (RecordingUnderlay.Sent sent : underlay.sent) {
            assertThat(sent.segmentSize()).isIn(0, stride);
            assertThat(sent.bytes().length).isLessThanOrEqualTo(DataPath.MAX_UDP_PAYLOAD);
            assertThat((sent.bytes().length + stride - 1) / stride).isLessThanOrEqualTo(DataPath.MAX_GSO_SEGMENTS);
            assertThat(sent.flowHash()).isEqualTo(underlay.sent.get(0).flowHash());
        }
    }

    @Test
    void sendsOneDatagramPerSegmentWithoutUdpGso() {
        underlay.segmentation = false;
        List<byte[]> segments = segmentsOf(TcpView.ACK, false);
        assertThat(underlay.sent).hasSize(segments.size());
        assertThat(underlay.sent).allSatisfy(sent -> assertThat(sent.segmentSize()).isZero());
    }

    @Test
    void keepsCwrOnTheFirstSegmentOnlyForEcn() {
        List<byte[]> segments = segmentsOf(TcpView.ACK | TcpView.CWR, true);
        assertThat(TestFrames.tcpFlags(java.util.Arrays.copyOfRange(segments.get(0), 8, segments.get(0).length)))
                .isEqualTo(TcpView.ACK | TcpView.CWR);
        for (byte[] segment : segments.subList(1, segments.size())) {
            assertThat(TestFrames.tcpFlags(java.util.Arrays.copyOfRange(segment, 8, segment.length))).isEqualTo(TcpView.ACK);
        }
    }

    @Test
    void dropsASuperFrameWhoseSegmentsWouldExceedTheMtu() {
        ByteBuf frame = TestFrames.superFrame(MAC_2, MAC_5, IP_5, IP_2, SEQ, IP_ID, 8000, MTU, TcpView.ACK, false);
        try {
            path.fromPort(port, frame, 0, frame.readableBytes());
        } finally {
            frame.release();
        }
        assertThat(underlay.sent).isEmpty();
        assertThat(counters.forVni(VNI).drops(DropReason.OVERSIZE)).isEqualTo(1);
    }

    @Test
    void dropsASuperFrameThatIsNotTcp() {
        ByteBuf frame = TestFrames.superFrame(MAC_2, MAC_5, IP_5, IP_2, SEQ, IP_ID, 8000, MSS, TcpView.ACK, false);
        frame.setByte(10 + 14 + 9, Ipv4View.PROTOCOL_UDP);
        try {
            path.fromPort(port, frame, 0, frame.readableBytes());
        } finally {
            frame.release();
        }
        assertThat(counters.forVni(VNI).drops(DropReason.BAD_OFFLOAD)).isEqualTo(1);
    }
}
