package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VxlanViewTest {

    /** Where the VXLAN header starts in {@link Frames#VXLAN_ICMP}. */
    private static final int VXLAN = Frames.L4 + UdpView.HEADER_LENGTH;

    private final EthernetView eth = new EthernetView();
    private final Ipv4View ip = new Ipv4View();
    private final UdpView udp = new UdpView();
    private final VxlanView vxlan = new VxlanView();
    private final IcmpView icmp = new IcmpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void decapsulatesThePingDownToIcmp(Placement placement) {
        ByteBuf buf = placement.place(Frames.VXLAN_ICMP);

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())).isTrue();
        assertThat(ip.isChecksumValid()).isTrue();
        assertThat(udp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(udp.dstPort()).isEqualTo(VxlanView.PORT);
        assertThat(vxlan.wrap(buf, udp.payloadOffset(), udp.payloadLength())).isTrue();
        assertThat(vxlan.offset()).isEqualTo(placement.offset + VXLAN);
        assertThat(vxlan.flags()).isEqualTo(VxlanView.FLAG_I);
        assertThat(vxlan.reserved1()).isZero();
        assertThat(vxlan.vni()).isEqualTo(4097);
        assertThat(vxlan.reserved2()).isZero();
        assertThat(vxlan.payloadOffset()).isEqualTo(placement.offset + VXLAN + 8);
        assertThat(vxlan.payloadLength()).isEqualTo(90);

        assertThat(eth.wrap(buf, vxlan.payloadOffset(), vxlan.payloadLength())).isTrue();
        assertThat(eth.src()).isEqualTo(Frames.TASK_A_MAC);
        assertThat(ip.wrap(buf, eth.payloadOffset(), eth.payloadLength())).isTrue();
        assertThat(ip.src()).isEqualTo(Frames.TASK_A_IP);
        assertThat(icmp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
        assertThat(icmp.isEchoRequest()).isTrue();
        assertThat(icmp.isChecksumValid()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesTheHeaderWithTheIFlagAndReservedZero(Placement placement) {
        ByteBuf buf = placement.allocate(placement.offset + 10);
        buf.setBytes(placement.offset, Frames.hex("ffff ffff ffff ffff ffff"));

        int written = VxlanView.write(buf, placement.offset, 4097);

        assertThat(written).isEqualTo(8);
        assertThat(Placement.bytes(buf, placement.offset, 10)).isEqualTo(Frames.hex("0800 0000 0010 0100 ffff"));
        assertThat(Placement.bytes(buf, placement.offset, 8))
                .isEqualTo(Arrays.copyOfRange(Frames.VXLAN_ICMP, VXLAN, VXLAN + 8));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesTheLargestVni(Placement placement) {
        ByteBuf buf = placement.allocate(placement.offset + 8);

        VxlanView.write(buf, placement.offset, VxlanView.MAX_VNI);

        assertThat(Placement.bytes(buf, placement.offset, 8)).isEqualTo(Frames.hex("0800 0000 ffff ff00"));
        assertThat(vxlan.wrap(buf, placement.offset)).isTrue();
        assertThat(vxlan.vni()).isEqualTo(0xFFFFFF);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void ignoresReservedBitsOnReceipt(Placement placement) {
        ByteBuf buf = placement.place(Frames.hex("8c12 3456 0010 01ab"));

        assertThat(vxlan.wrap(buf, placement.offset)).isTrue();
        assertThat(vxlan.flags()).isEqualTo(0x8C);
        assertThat(vxlan.reserved1()).isEqualTo(0x123456);
        assertThat(vxlan.vni()).isEqualTo(4097);
        assertThat(vxlan.reserved2()).isEqualTo(0xAB);
        assertThat(vxlan.payloadLength()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void setsTheVniKeepingTheReservedByte(Placement placement) {
        ByteBuf buf = placement.place(Frames.hex("0800 0000 0010 01ab"));
        vxlan.wrap(buf, placement.offset);

        vxlan.setVni(0x0A0B0C);

        assertThat(Placement.bytes(buf, placement.offset, 8)).isEqualTo(Frames.hex("0800 0000 0a0b 0cab"));
    }
}
