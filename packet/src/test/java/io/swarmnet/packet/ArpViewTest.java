package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArpViewTest {

    /** 10.0.0.2 is at 02:42:0a:00:00:02, told to 02:42:0a:00:00:05 (10.0.0.5). */
    private static final byte[] REPLY = Frames.hex(
            "0001 0800 0604 0002 0242 0a00 0002 0a00 0002 0242 0a00 0005 0a00 0005");

    private final ArpView arp = new ArpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void readsARealRequest(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);

        assertThat(arp.wrap(buf, placement.offset + 14)).isTrue();
        assertThat(arp.offset()).isEqualTo(placement.offset + 14);
        assertThat(arp.opcode()).isEqualTo(ArpView.REQUEST);
        assertThat(arp.isRequest()).isTrue();
        assertThat(arp.isReply()).isFalse();
        assertThat(arp.isGratuitous()).isFalse();
        assertThat(arp.senderMac()).isEqualTo(Frames.TASK_A_MAC);
        assertThat(arp.senderIp()).isEqualTo(Frames.TASK_A_IP);
        assertThat(arp.targetMac()).isZero();
        assertThat(arp.targetIp()).isEqualTo(Frames.TASK_B_IP);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void turnsTheRequestIntoItsReplyInPlace(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);
        int at = placement.offset;
        arp.wrap(buf, at + 14);

        arp.toReply(Frames.TASK_B_MAC);

        byte[] expected = Frames.copy(Frames.ARP_REQUEST);
        System.arraycopy(REPLY, 0, expected, 14, 28);
        assertThat(Placement.bytes(buf, at, 60)).isEqualTo(expected);
        assertThat(arp.isReply()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesTheReplyIntoAnotherBufferLeavingTheRequest(Placement placement) {
        ByteBuf request = placement.place(Frames.ARP_REQUEST);
        ByteBuf out = placement.allocate(placement.offset + 32);
        arp.wrap(request, placement.offset + 14);

        int written = arp.writeReply(out, placement.offset + 2, Frames.TASK_B_MAC);

        assertThat(written).isEqualTo(ArpView.LENGTH);
        assertThat(Placement.bytes(out, placement.offset + 2, 28)).isEqualTo(REPLY);
        assertThat(Placement.bytes(out, placement.offset, 2)).containsOnly(0);
        assertThat(Placement.bytes(out, placement.offset + 30, 2)).containsOnly(0);
        assertThat(Placement.bytes(request, placement.offset, 60)).isEqualTo(Frames.ARP_REQUEST);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void writesAWholePacket(Placement placement) {
        ByteBuf out = placement.allocate(placement.offset + 28);

        ArpView.write(out, placement.offset, ArpView.REPLY, Frames.TASK_B_MAC, Frames.TASK_B_IP,
                Frames.TASK_A_MAC, Frames.TASK_A_IP);

        assertThat(Placement.bytes(out, placement.offset, 28)).isEqualTo(REPLY);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void settersWriteExactlyTheirBytes(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);
        int at = placement.offset + 14;
        arp.wrap(buf, at);

        arp.setOpcode(ArpView.REPLY);
        arp.setSenderMac(0x1122_3344_5566L);
        arp.setSenderIp(0xC0000201);
        arp.setTargetMac(0xAABB_CCDD_EEFFL);
        arp.setTargetIp(0xC0000202);

        assertThat(Placement.bytes(buf, at, 28)).isEqualTo(Frames.hex(
                "0001 0800 0604 0002 1122 3344 5566 c000 0201 aabb ccdd eeff c000 0202"));
        assertThat(Placement.bytes(buf, placement.offset, 14)).isEqualTo(Frames.hex(
                "ffff ffff ffff 0242 0a00 0005 0806"));
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void recognisesAGratuitousAnnouncement(Placement placement) {
        ByteBuf buf = placement.place(Frames.ARP_REQUEST);
        arp.wrap(buf, placement.offset + 14);

        arp.setTargetIp(Frames.TASK_A_IP);

        assertThat(arp.isGratuitous()).isTrue();
    }
}
