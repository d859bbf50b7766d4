package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TcpViewTest {

    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsTheSyn(Placement placement) {
        ByteBuf buf = placement.place(Frames.TCP_SYN);
        ip.wrap(buf, placement.offset + Frames.IP);

        assertThat(tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(tcp.offset()).isEqualTo(placement.offset + Frames.L4);
        assertThat(tcp.length()).isEqualTo(40);
        assertThat(tcp.srcPort()).isEqualTo(43512);
        assertThat(tcp.dstPort()).isEqualTo(80);
        assertThat(tcp.sequence()).isEqualTo(0x5E1A2B3C);
        assertThat(tcp.acknowledgment()).isZero();
        assertThat(tcp.headerLength()).isEqualTo(40);
        assertThat(tcp.flags()).isEqualTo(TcpView.SYN);
        assertThat(tcp.hasFlags(TcpView.SYN)).isTrue();
        assertThat(tcp.hasFlags(TcpView.SYN | TcpView.ACK)).isFalse();
        assertThat(tcp.window()).isEqualTo(64240);
        assertThat(tcp.checksum()).isEqualTo(0x593D);
        assertThat(tcp.urgentPointer()).isZero();
        assertThat(tcp.payloadOffset()).isEqualTo(placement.offset + Frames.L4 + 40);
        assertThat(tcp.payloadLength()).isZero();
        assertThat(buf.getUnsignedShort(tcp.offset() + 20)).as("first option: MSS").isEqualTo(0x0204);
        assertThat(tcp.isChecksumValid(ip.src(), ip.dst())).isTrue();
        assertThat(tcp.computeChecksum(ip.src(), ip.dst())).isEqualTo(0x593D);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void flagConstantsAreTheWireBits(Placement placement) {
        ByteBuf buf = placement.place(Frames.TCP_SYN);
        int at = placement.offset + Frames.L4;
        tcp.wrap(buf, at);

        tcp.setFlags(TcpView.FIN | TcpView.ACK);
        assertThat(buf.getByte(at + 13)).isEqualTo((byte) 0x11);
        tcp.setFlags(TcpView.SYN | TcpView.ACK);
        assertThat(buf.getByte(at + 13)).isEqualTo((byte) 0x12);
        tcp.setFlags(TcpView.RST);
        assertThat(buf.getByte(at + 13)).isEqualTo((byte) 0x04);
        tcp.setFlags(TcpView.PSH | TcpView.ACK);
        assertThat(buf.getByte(at + 13)).isEqualTo((byte) 0x18);
        tcp.setFlags(TcpView.URG | TcpView.ECE | TcpView.CWR);
        assertThat(buf.getByte(at + 13)).isEqualTo((byte) 0xE0);
        assertThat(buf.getByte(at + 12)).as("data offset untouched").isEqualTo((byte) 0xA0);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.TCP_SYN);
        int at = placement.offset + Frames.L4;
        tcp.wrap(buf, at);

        tcp.setSrcPort(0x0102);
        tcp.setDstPort(0x0304);
        tcp.setSequence(0xF1F2F3F4);
        tcp.setAcknowledgment(0x05060708);
        tcp.setFlags(TcpView.SYN | TcpView.ACK);
        tcp.setWindow(0xFFFF);
        tcp.setChecksum(0xCAFE);

        assertThat(Placement.bytes(buf, at, 20))
                .isEqualTo(Frames.hex("0102 0304 f1f2 f3f4 0506 0708 a012 ffff cafe 0000"));
        assertThat(Placement.bytes(buf, placement.offset, Frames.L4)).isEqualTo(Arrays.copyOf(Frames.TCP_SYN, Frames.L4));
        assertThat(Placement.bytes(buf, at + 20, 20))
                .isEqualTo(Arrays.copyOfRange(Frames.TCP_SYN, Frames.L4 + 20, Frames.TCP_SYN.length));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void checksumsTheSegmentNotTheEthernetPadding(Placement placement) {
        // A SYN without options is 54 bytes; Ethernet pads it to 60 with bytes that are no part of it.
        byte[] frame = Arrays.copyOf(Frames.TCP_SYN, 60);
        frame[Frames.IP + 3] = 40;
        frame[Frames.L4 + 12] = 0x50;
        Arrays.fill(frame, 54, 60, (byte) 0x55);
        ByteBuf buf = placement.place(frame);
        ip.wrap(buf, placement.offset + Frames.IP);
        ip.fillChecksum();

        assertThat(tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        tcp.fillChecksum(ip.src(), ip.dst());

        byte[] segment = Arrays.copyOfRange(frame, Frames.L4, 54);
        segment[16] = 0;
        segment[17] = 0;
        assertThat(tcp.length()).isEqualTo(20);
        assertThat(tcp.checksum())
                .isEqualTo(Frames.referenceL4Checksum(Frames.TASK_A_IP, Frames.TASK_B_IP, 6, segment, 0, 20));
        assertThat(tcp.isChecksumValid(ip.src(), ip.dst())).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void dnatToABackendKeepsBothChecksumsRight(Placement placement) {
        ByteBuf buf = placement.place(Frames.TCP_SYN);
        ip.wrap(buf, placement.offset + Frames.IP);
        tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength());
        int backend = Ipv4Address.parse("10.0.0.9");

        int vip = ip.dst();
        ip.setDst(backend);
        ip.adjustChecksum32(vip, backend);
        tcp.adjustChecksum32(vip, backend);
        tcp.setDstPort(8080);
        tcp.adjustChecksum16(80, 8080);

        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(tcp.isChecksumValid(ip.src(), backend)).isTrue();
        assertThat(tcp.checksum()).isEqualTo(tcp.computeChecksum(ip.src(), backend));
    }
}
