package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Ipv4ViewTest {

    private final Ipv4View ip = new Ipv4View();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsThePingPacket(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        int at = placement.offset + Frames.IP;

        assertThat(ip.wrap(buf, at)).isTrue();
        assertThat(ip.offset()).isEqualTo(at);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.tos()).isZero();
        assertThat(ip.totalLength()).isEqualTo(76);
        assertThat(ip.identification()).isEqualTo(0x1C46);
        assertThat(ip.flagsAndFragmentOffset()).isEqualTo(Ipv4View.FLAG_DF);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isZero();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(Ipv4View.PROTOCOL_ICMP);
        assertThat(ip.checksum()).isEqualTo(0x0A65);
        assertThat(ip.src()).isEqualTo(Frames.TASK_A_IP);
        assertThat(ip.dst()).isEqualTo(Frames.TASK_B_IP);
        assertThat(ip.payloadOffset()).isEqualTo(at + 20);
        assertThat(ip.payloadLength()).isEqualTo(56);
        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(ip.computeChecksum()).isEqualTo(0x0A65);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void verifiesTheWikipediaExampleHeader(Placement placement) {
        byte[] packet = Arrays.copyOf(Frames.hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7"), 0x73);
        ByteBuf buf = placement.place(packet);

        assertThat(ip.wrap(buf, placement.offset)).isTrue();
        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(ip.computeChecksum()).isEqualTo(0xB861);
        assertThat(ip.src()).isEqualTo(Ipv4Address.parse("192.168.0.1"));
        assertThat(ip.dst()).isEqualTo(Ipv4Address.parse("192.168.0.199"));
        assertThat(ip.protocol()).isEqualTo(Ipv4View.PROTOCOL_UDP);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void ignoresEthernetPaddingAfterTheTotalLength(Placement placement) {
        byte[] padded = Arrays.copyOf(Frames.ICMP_ECHO, Frames.ICMP_ECHO.length + 10);
        ByteBuf buf = placement.place(padded);

        assertThat(ip.wrap(buf, placement.offset + Frames.IP)).isTrue();
        assertThat(ip.totalLength()).isEqualTo(76);
        assertThat(ip.payloadLength()).isEqualTo(56);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void detectsACorruptHeader(Placement placement) {
        byte[] frame = Frames.copy(Frames.ICMP_ECHO);
        frame[Frames.IP + Ipv4View.TTL] = 63;
        ByteBuf buf = placement.place(frame);

        assertThat(ip.wrap(buf, placement.offset + Frames.IP)).isTrue();
        assertThat(ip.isChecksumValid()).isFalse();
        assertThat(ip.computeChecksum()).isEqualTo(Frames.referenceChecksum(withoutChecksum(frame), Frames.IP, Frames.L4));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void coversOptionsInHeaderLengthAndChecksum(Placement placement) {
        // IHL 6: one word of options (NOP NOP NOP EOL), total length 28.
        byte[] packet = Frames.hex("4600 001c 0001 0000 4011 0000 0a00 0005 0a00 0002 0101 0100 0001 0002");
        int expected = Frames.referenceChecksum(packet, 0, 24);
        ByteBuf buf = placement.place(packet);

        assertThat(ip.wrap(buf, placement.offset)).isTrue();
        assertThat(ip.headerLength()).isEqualTo(24);
        assertThat(ip.payloadOffset()).isEqualTo(placement.offset + 24);
        assertThat(ip.payloadLength()).isEqualTo(4);
        assertThat(ip.computeChecksum()).isEqualTo(expected);
        ip.fillChecksum();
        assertThat(ip.checksum()).isEqualTo(expected);
        assertThat(ip.isChecksumValid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void tellsFragmentsFromWholePackets(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        ip.wrap(buf, placement.offset + Frames.IP);

        ip.setFlagsAndFragmentOffset(Ipv4View.FLAG_MF);
        assertThat(ip.isFragment()).as("first fragment").isTrue();
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.fragmentOffset()).isZero();

        ip.setFlagsAndFragmentOffset(185);
        assertThat(ip.isFragment()).as("last fragment").isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.fragmentOffset()).isEqualTo(185);

        ip.setFlagsAndFragmentOffset(Ipv4View.FLAG_DF);
        assertThat(ip.isFragment()).as("DF only").isFalse();

        ip.setFlagsAndFragmentOffset(0x8000);
        assertThat(ip.isFragment()).as("reserved bit only").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        int at = placement.offset + Frames.IP;
        ip.wrap(buf, at);

        ip.setTos(0xB8);
        ip.setTotalLength(0x0102);
        ip.setIdentification(0xBEEF);
        ip.setFlagsAndFragmentOffset(Ipv4View.FLAG_MF | 3);
        ip.setTtl(1);
        ip.setProtocol(Ipv4View.PROTOCOL_TCP);
        ip.setChecksum(0xCAFE);
        ip.setSrc(0xC0000201);
        ip.setDst(0xC0000202);

        assertThat(Placement.bytes(buf, at, 20)).isEqualTo(Frames.hex(
                "45b8 0102 beef 2003 0106 cafe c000 0201 c000 0202"));
        assertThat(Placement.bytes(buf, placement.offset, Frames.IP)).isEqualTo(Arrays.copyOf(Frames.ICMP_ECHO, Frames.IP));
        assertThat(Placement.bytes(buf, at + 20, 56)).isEqualTo(Arrays.copyOfRange(Frames.ICMP_ECHO, Frames.L4, Frames.ICMP_ECHO.length));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void fillsTheChecksumAfterRewrites(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        int at = placement.offset + Frames.IP;
        ip.wrap(buf, at);

        ip.setTtl(63);
        ip.setDst(0x0A000009);
        ip.fillChecksum();

        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(ip.checksum()).isEqualTo(Frames.referenceChecksum(withoutChecksum(Placement.bytes(buf, at, 20), 0), 0, 20));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void adjustsTheChecksumForANewAddressAsAFullRecomputationWould(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        ip.wrap(buf, placement.offset + Frames.IP);

        ip.setSrc(0xC0A80001);
        ip.adjustChecksum32(Frames.TASK_A_IP, 0xC0A80001);

        assertThat(ip.checksum()).isEqualTo(ip.computeChecksum());
        assertThat(ip.isChecksumValid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesTheOuterHeaderOfTheVxlanFrame(Placement placement) {
        ByteBuf buf = placement.allocate(placement.offset + 20);

        int written = Ipv4View.write(buf, placement.offset, 0x7E, 0, 64, Ipv4View.PROTOCOL_UDP,
                Ipv4Address.parse("192.0.2.11"), Ipv4Address.parse("192.0.2.21"));

        assertThat(written).isEqualTo(20);
        assertThat(Placement.bytes(buf, placement.offset, 20))
                .isEqualTo(Arrays.copyOfRange(Frames.VXLAN_ICMP, Frames.IP, Frames.L4));
    }

    private static byte[] withoutChecksum(byte[] frame) {
        return withoutChecksum(frame, Frames.IP);
    }

    private static byte[] withoutChecksum(byte[] frame, int ipAt) {
        byte[] copy = Frames.copy(frame);
        copy[ipAt + Ipv4View.CHECKSUM] = 0;
        copy[ipAt + Ipv4View.CHECKSUM + 1] = 0;
        return copy;
    }
}
