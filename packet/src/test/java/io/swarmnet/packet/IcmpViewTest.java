package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IcmpViewTest {

    private final Ipv4View ip = new Ipv4View();
    private final IcmpView icmp = new IcmpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsTheEchoRequest(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        ip.wrap(buf, placement.offset + Frames.IP);

        assertThat(icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(icmp.offset()).isEqualTo(placement.offset + Frames.L4);
        assertThat(icmp.length()).isEqualTo(56);
        assertThat(icmp.type()).isEqualTo(IcmpView.ECHO_REQUEST);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.isEchoRequest()).isTrue();
        assertThat(icmp.isEchoReply()).isFalse();
        assertThat(icmp.identifier()).isEqualTo(0x0D2A);
        assertThat(icmp.sequence()).isEqualTo(1);
        assertThat(icmp.checksum()).isEqualTo(0x6081);
        assertThat(icmp.isChecksumValid()).isTrue();
        assertThat(icmp.computeChecksum()).isEqualTo(0x6081);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void turnsTheRequestIntoItsReplyInPlace(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        int at = placement.offset + Frames.L4;
        icmp.wrap(buf, at, 56);

        icmp.toEchoReply();

        byte[] expected = Arrays.copyOfRange(Frames.ICMP_ECHO, Frames.L4, Frames.ICMP_ECHO.length);
        expected[0] = 0;
        expected[2] = 0;
        expected[3] = 0;
        int checksum = Frames.referenceChecksum(expected, 0, 56);
        expected[2] = (byte) (checksum >>> 8);
        expected[3] = (byte) checksum;
        assertThat(checksum).isEqualTo(0x6881);
        assertThat(Placement.bytes(buf, at, 56)).isEqualTo(expected);
        assertThat(icmp.isEchoReply()).isTrue();
        assertThat(icmp.isChecksumValid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        int at = placement.offset + Frames.L4;
        icmp.wrap(buf, at, 56);

        icmp.setType(3);
        icmp.setCode(4);
        icmp.setChecksum(0xCAFE);
        icmp.setIdentifier(0x0102);
        icmp.setSequence(0x0304);

        assertThat(Placement.bytes(buf, at, 8)).isEqualTo(Frames.hex("0304 cafe 0102 0304"));
        assertThat(Placement.bytes(buf, at + 8, 48))
                .isEqualTo(Arrays.copyOfRange(Frames.ICMP_ECHO, Frames.L4 + 8, Frames.ICMP_ECHO.length));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void adjustsTheChecksumForANewIdentifier(Placement placement) {
        ByteBuf buf = placement.place(Frames.ICMP_ECHO);
        icmp.wrap(buf, placement.offset + Frames.L4, 56);

        icmp.setIdentifier(0xFFFF);
        icmp.adjustChecksum16(0x0D2A, 0xFFFF);

        assertThat(icmp.checksum()).isEqualTo(icmp.computeChecksum());
        assertThat(icmp.isChecksumValid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void checksumsAnOddLengthMessage(Placement placement) {
        byte[] message = Frames.hex("0800 0000 0001 0002 61");
        int expected = Frames.referenceChecksum(message, 0, message.length);
        ByteBuf buf = placement.place(message);
        icmp.wrap(buf, placement.offset);

        icmp.fillChecksum();

        assertThat(icmp.checksum()).isEqualTo(expected);
        assertThat(icmp.isChecksumValid()).isTrue();
    }
}
