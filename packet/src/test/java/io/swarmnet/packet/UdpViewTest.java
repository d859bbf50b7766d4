package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UdpViewTest {

    private static final int RESOLVER = 0x7F00000B;

    private final Ipv4View ip = new Ipv4View();
    private final UdpView udp = new UdpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsTheDnsQuery(Placement placement) {
        ByteBuf buf = placement.place(Frames.UDP_DNS_QUERY);
        ip.wrap(buf, placement.offset + Frames.IP);

        assertThat(udp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(udp.offset()).isEqualTo(placement.offset + Frames.L4);
        assertThat(udp.srcPort()).isEqualTo(53124);
        assertThat(udp.dstPort()).isEqualTo(53);
        assertThat(udp.length()).isEqualTo(37);
        assertThat(udp.payloadOffset()).isEqualTo(placement.offset + Frames.L4 + 8);
        assertThat(udp.payloadLength()).isEqualTo(29);
        assertThat(buf.getUnsignedShort(udp.payloadOffset())).as("DNS id").isEqualTo(0xABCD);
        assertThat(udp.checksum()).isEqualTo(0x2B9F);
        assertThat(udp.hasChecksum()).isTrue();
        assertThat(udp.isChecksumValid(ip.src(), ip.dst())).isTrue();
        assertThat(udp.computeChecksum(ip.src(), ip.dst())).isEqualTo(0x2B9F);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void rejectsAChecksumForTheWrongAddresses(Placement placement) {
        ByteBuf buf = placement.place(Frames.UDP_DNS_QUERY);
        udp.wrap(buf, placement.offset + Frames.L4);

        assertThat(udp.isChecksumValid(Frames.TASK_A_IP, Frames.TASK_B_IP)).isFalse();
        assertThat(udp.isChecksumValid(Frames.TASK_A_IP, RESOLVER)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void ignoresBytesAfterTheLengthField(Placement placement) {
        byte[] padded = Arrays.copyOf(Frames.UDP_DNS_QUERY, Frames.UDP_DNS_QUERY.length + 5);
        padded[padded.length - 1] = 0x55;
        ByteBuf buf = placement.place(padded);

        assertThat(udp.wrap(buf, placement.offset + Frames.L4)).isTrue();
        assertThat(udp.payloadLength()).isEqualTo(29);
        assertThat(udp.isChecksumValid(Frames.TASK_A_IP, RESOLVER)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void treatsAZeroChecksumAsNone(Placement placement) {
        ByteBuf buf = placement.place(Frames.VXLAN_ICMP);
        ip.wrap(buf, placement.offset + Frames.IP);
        udp.wrap(buf, ip.payloadOffset(), ip.payloadLength());

        assertThat(udp.checksum()).isEqualTo(UdpView.NO_CHECKSUM);
        assertThat(udp.hasChecksum()).isFalse();
        assertThat(udp.isChecksumValid(0, 0)).as("nothing to check").isTrue();

        udp.setDstPort(4790);
        udp.adjustChecksum16(4789, 4790);
        ip.setSrc(0xC000020C);
        udp.adjustChecksum32(0xC000020B, 0xC000020C);

        assertThat(udp.checksum()).as("still none").isEqualTo(UdpView.NO_CHECKSUM);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void sendsAComputedZeroAs0xffff(Placement placement) {
        ByteBuf buf = placement.place(Frames.copy(Frames.UDP_DNS_QUERY));
        udp.wrap(buf, placement.offset + Frames.L4);
        // Make the data word after the header cancel the rest, so the checksum computes to 0.
        buf.setShort(udp.payloadOffset(), 0);
        buf.setShort(udp.payloadOffset(), udp.computeChecksum(Frames.TASK_A_IP, RESOLVER));

        udp.fillChecksum(Frames.TASK_A_IP, RESOLVER);

        assertThat(udp.checksum()).isEqualTo(0xFFFF);
        assertThat(udp.hasChecksum()).isTrue();
        assertThat(udp.isChecksumValid(Frames.TASK_A_IP, RESOLVER)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void fillsTheChecksumOfARewrittenQuery(Placement placement) {
        ByteBuf buf = placement.place(Frames.UDP_DNS_QUERY);
        int at = placement.offset + Frames.L4;
        udp.wrap(buf, at);

        udp.setSrcPort(40000);
        udp.fillChecksum(Frames.TASK_A_IP, RESOLVER);

        byte[] bytes = Placement.bytes(buf, at, 37);
        bytes[6] = 0;
        bytes[7] = 0;
        assertThat(udp.checksum())
                .isEqualTo(Frames.referenceL4Checksum(Frames.TASK_A_IP, RESOLVER, 17, bytes, 0, 37));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.UDP_DNS_QUERY);
        int at = placement.offset + Frames.L4;
        udp.wrap(buf, at);

        udp.setSrcPort(0x0102);
        udp.setDstPort(0xFFFE);
        udp.setLength(0x0010);
        udp.setChecksum(0xCAFE);

        assertThat(Placement.bytes(buf, at, 8)).isEqualTo(Frames.hex("0102 fffe 0010 cafe"));
        assertThat(Placement.bytes(buf, placement.offset, Frames.L4)).isEqualTo(Arrays.copyOf(Frames.UDP_DNS_QUERY, Frames.L4));
        assertThat(Placement.bytes(buf, at + 8, 29))
                .isEqualTo(Arrays.copyOfRange(Frames.UDP_DNS_QUERY, Frames.L4 + 8, Frames.UDP_DNS_QUERY.length));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesTheOuterHeaderOfTheVxlanFrame(Placement placement) {
        ByteBuf buf = placement.allocate(placement.offset + 8);

        int written = UdpView.write(buf, placement.offset, 51234, VxlanView.PORT, 0x6A);

        assertThat(written).isEqualTo(8);
        assertThat(Placement.bytes(buf, placement.offset, 8))
                .isEqualTo(Arrays.copyOfRange(Frames.VXLAN_ICMP, Frames.L4, Frames.L4 + 8));
    }
}
