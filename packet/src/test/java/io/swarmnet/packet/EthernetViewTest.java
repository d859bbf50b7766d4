package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EthernetViewTest {

    private final EthernetView eth = new EthernetView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsTheBroadcastArpRequestHeader(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(eth.offset()).isEqualTo(placement.offset);
        assertThat(eth.length()).isEqualTo(60);
        assertThat(eth.dst()).isEqualTo(MacAddress.BROADCAST);
        assertThat(eth.src()).isEqualTo(Frames.TASK_A_MAC);
        assertThat(eth.isMulticast()).isTrue();
        assertThat(eth.etherType()).isEqualTo(EthernetView.TYPE_ARP);
        assertThat(eth.hasVlanTag()).isFalse();
        assertThat(eth.vlanId()).isZero();
        assertThat(eth.headerLength()).isEqualTo(14);
        assertThat(eth.payloadOffset()).isEqualTo(placement.offset + 14);
        assertThat(eth.payloadLength()).isEqualTo(46);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsTheUnicastSynHeader(Placement placement) {
        ByteBuf buf = placement.place(Frames.TCP_SYN);

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(eth.dst()).isEqualTo(Frames.TASK_B_MAC);
        assertThat(eth.src()).isEqualTo(Frames.TASK_A_MAC);
        assertThat(eth.isMulticast()).isFalse();
        assertThat(eth.etherType()).isEqualTo(EthernetView.TYPE_IPV4);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void looksThroughOne8021qTag(Placement placement) {
        ByteBuf buf = placement.place(tagged(Frames.TCP_SYN, "8100 2064"));

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(eth.hasVlanTag()).isTrue();
        assertThat(eth.vlanId()).isEqualTo(100);
        assertThat(eth.etherType()).isEqualTo(EthernetView.TYPE_IPV4);
        assertThat(eth.headerLength()).isEqualTo(18);
        assertThat(eth.payloadOffset()).isEqualTo(placement.offset + 18);
        assertThat(eth.payloadLength()).isEqualTo(Frames.TCP_SYN.length - 14);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void leavesAnOuter8021adTagUnparsed(Placement placement) {
        ByteBuf buf = placement.place(tagged(Frames.TCP_SYN, "88a8 0064"));

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(eth.hasVlanTag()).isFalse();
        assertThat(eth.etherType()).isEqualTo(0x88A8);
        assertThat(eth.headerLength()).isEqualTo(14);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void leavesASecond8021qTagUnparsed(Placement placement) {
        ByteBuf buf = placement.place(tagged(tagged(Frames.TCP_SYN, "8100 0064"), "8100 00c8"));

        assertThat(eth.wrap(buf, placement.offset)).isTrue();
        assertThat(eth.vlanId()).isEqualTo(200);
        assertThat(eth.etherType()).isEqualTo(EthernetView.TYPE_VLAN);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);
        int at = placement.offset;
        eth.wrap(buf, at);

        eth.setDst(0x0242_0A00_0009L);
        eth.setSrc(0x0A0B_0C0D_0E0FL);
        eth.setEtherType(EthernetView.TYPE_IPV4);

        byte[] expected = Frames.copy(Frames.ARP_REQUEST);
        System.arraycopy(Frames.hex("0242 0a00 0009 0a0b 0c0d 0e0f 0800"), 0, expected, 0, 14);
        assertThat(Placement.bytes(buf, at, 60)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void setsTheEtherTypeBehindTheTag(Placement placement) {
        byte[] frame = tagged(Frames.TCP_SYN, "8100 2064");
        ByteBuf buf = placement.place(frame);
        eth.wrap(buf, placement.offset);

        eth.setEtherType(EthernetView.TYPE_ARP);

        byte[] expected = Frames.copy(frame);
        expected[16] = 0x08;
        expected[17] = 0x06;
        assertThat(Placement.bytes(buf, placement.offset, frame.length)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesAnUntaggedHeader(Placement placement) {
        ByteBuf buf = placement.allocate(placement.offset + 20);

        int written = EthernetView.write(buf, placement.offset, MacAddress.BROADCAST, Frames.TASK_A_MAC,
                EthernetView.TYPE_ARP);

        assertThat(written).isEqualTo(14);
        assertThat(Placement.bytes(buf, placement.offset, 20))
                .isEqualTo(Frames.hex("ffff ffff ffff 0242 0a00 0005 0806 0000 0000 0000"));
    }

    /** Returns {@code frame} with a 4-byte tag inserted after the MACs. */
    static byte[] tagged(byte[] frame, String tag) {
        byte[] out = new byte[frame.length + 4];
        System.arraycopy(frame, 0, out, 0, 12);
        System.arraycopy(Frames.hex(tag), 0, out, 12, 4);
        System.arraycopy(frame, 12, out, 16, frame.length - 12);
        return out;
    }
}
