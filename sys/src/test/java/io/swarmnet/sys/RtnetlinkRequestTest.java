package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests byte for byte. The "LikeIproute2" expectations are what iproute2 6.1 sent for
 * the same change, captured with {@code strace -e trace=sendmsg -e write=all} (same
 * sequence number 0x6b02703b or 0x6b02703e); the others are computed by hand from
 * {@code linux/rtnetlink.h} because iproute2 names the link by index, where we send its
 * name.
 */
class RtnetlinkRequestTest {
    private static final int SEQ = 0x6b02703b;
    private static final int SEQ2 = 0x6b02703e;

    private final ByteBuf buf = Unpooled.directBuffer(NetlinkSocket.REQUEST_CAPACITY);
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter().wrap(buf);

    @AfterEach
    void release() {
        buf.release();
    }

    private String sent(NetlinkMessageWriter w) {
        return ByteBufUtil.hexDump(buf, 0, w.end());
    }

    private static byte[] name(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(String spaced) {
        return spaced.replace(" ", "");
    }

    @Test
    void buildsAddressAddLikeIproute2() {
        // ip addr add 10.1.2.3/24 dev br0 (ifindex 2)
        assertThat(sent(Rtnetlink.address(writer, SEQ, Rtnetlink.RTM_NEWADDR, Rtnetlink.CREATE, 2, 0x0a010203, 24)))
                .isEqualTo(hex("28000000 1400 0506 3b70026b 00000000"
                        + " 02 18 00 00 02000000"
                        + " 0800 0200 0a010203"
                        + " 0800 0100 0a010203"));
    }

    @Test
    void buildsAddressDeleteLikeIproute2() {
        // ip addr del 10.1.2.3/24 dev br0 (ifindex 2)
        assertThat(sent(Rtnetlink.address(writer, SEQ2, Rtnetlink.RTM_DELADDR, Rtnetlink.NEW, 2, 0x0a010203, 24)))
                .isEqualTo(hex("28000000 1500 0500 3e70026b 00000000"
                        + " 02 18 00 00 02000000"
                        + " 0800 0200 0a010203"
                        + " 0800 0100 0a010203"));
    }

    @Test
    void buildsAddressDumpLikeIproute2() {
        // ip -4 addr show
        assertThat(sent(Rtnetlink.dumpAddresses(writer, SEQ)))
                .isEqualTo(hex("18000000 1600 0103 3b70026b 00000000"
                        + " 02 00 00 00 00000000"));
    }

    @Test
    void buildsBridgePortIsolatedLikeIproute2() {
        // bridge link set dev va isolated on (ifindex 4), seq 0x6b027ac7
        assertThat(sent(Rtnetlink.setBridgePort(writer, 0x6b027ac7, 4, true)))
                .isEqualTo(hex("2c000000 1300 0500 c77a026b 00000000"
                        + " 07 00 0000 04000000 00000000 00000000"
                        + " 0c00 0c80 0500 2100 01000000"));
    }

    @Test
    void buildsDefaultRouteReplaceLikeIproute2() {
        // ip route replace default via 10.1.2.254
        assertThat(sent(Rtnetlink.newRoute(writer, SEQ, Rtnetlink.REPLACE, Ipv4Route.defaultVia(0x0a0102fe), 0)))
                .isEqualTo(hex("24000000 1800 0505 3b70026b 00000000"
                        + " 02 00 00 00 fe 03 00 01 00000000"
                        + " 0800 0500 0a0102fe"));
    }

    @Test
    void buildsDeviceRouteReplaceLikeIproute2() {
        // ip route replace 10.9.0.0/16 dev br0 (ifindex 2)
        Ipv4Route route = Ipv4Route.direct(0x0a090000, 16, "br0");
        assertThat(sent(Rtnetlink.newRoute(writer, SEQ2, Rtnetlink.REPLACE, route, 2)))
                .isEqualTo(hex("2c000000 1800 0505 3e70026b 00000000"
                        + " 02 10 00 00 fe 03 fd 01 00000000"
                        + " 0800 0100 0a090000"
                        + " 0800 0400 02000000"));
    }

    @Test
    void buildsRouteDeleteLikeIproute2() {
        // ip route del default via 10.1.2.254
        assertThat(sent(Rtnetlink.deleteRoute(writer, SEQ2, Ipv4Route.defaultVia(0x0a0102fe), 0)))
                .isEqualTo(hex("24000000 1900 0500 3e70026b 00000000"
                        + " 02 00 00 00 fe 00 ff 00 00000000"
                        + " 0800 0500 0a0102fe"));
    }

    @Test
    void buildsBridgeLikeIproute2() {
        // ip link add br1 type bridge
        assertThat(sent(Rtnetlink.newBridge(writer, SEQ, name("br1"))))
                .isEqualTo(hex("38000000 1000 0506 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 0300 62723100"
                        + " 1000 1200 0a00 0100 627269646765 0000"));
    }

    @Test
    void buildsVethWithPeerInNamespaceLikeIproute2() {
        // ip link add va type veth peer name vb netns NS (NS open as fd 4)
        assertThat(sent(Rtnetlink.newVeth(writer, SEQ2, name("va"), name("vb"), 4)))
                .isEqualTo(hex("5c000000 1000 0506 3e70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0700 0300 76610000"
                        + " 3400 1200 0800 0100 76657468"
                        + " 2800 0200 2400 0100"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 1c00 04000000"
                        + " 0700 0300 76620000"));
    }

    @Test
    void buildsVethWithPeerAddressLikeIproute2() {
        // ip link add va type veth peer name vb address 02:42:ac:12:00:02 netns NS (fd 4), seq 0x6b027b65
        assertThat(sent(Rtnetlink.newVeth(writer, 0x6b027b65, name("va"), name("vb"), 4, 0x0242ac120002L)))
                .isEqualTo(hex("68000000 1000 0506 657b026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0700 0300 76610000"
                        + " 4000 1200 0800 0100 76657468"
                        + " 3400 0200 3000 0100"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0a00 0100 0242ac120002 0000"
                        + " 0800 1c00 04000000"
                        + " 0700 0300 76620000"));
    }

    @Test
    void buildsVethWithPeerHereWithoutNamespaceFd() {
        assertThat(sent(Rtnetlink.newVeth(writer, SEQ2, name("va"), name("vb"), -1)))
                .isEqualTo(hex("54000000 1000 0506 3e70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0700 0300 76610000"
                        + " 2c00 1200 0800 0100 76657468"
                        + " 2000 0200 1c00 0100"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0700 0300 76620000"));
    }

    @Test
    void buildsRenameLikeIproute2() {
        // ip link set dev va name vc (ifindex 3)
        assertThat(sent(Rtnetlink.rename(writer, SEQ2, 3, name("vc"))))
                .isEqualTo(hex("28000000 1000 0500 3e70026b 00000000"
                        + " 00 00 0000 03000000 00000000 00000000"
                        + " 0700 0300 76630000"));
    }

    @Test
    void buildsLinkUpByName() {
        assertThat(sent(Rtnetlink.setFlags(writer, SEQ, name("br0"), Link.IFF_UP, Link.IFF_UP)))
                .isEqualTo(hex("28000000 1000 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 01000000 01000000"
                        + " 0800 0300 62723000"));
    }

    @Test
    void buildsLinkDownByNameChangingOnlyTheUpFlag() {
        assertThat(sent(Rtnetlink.setFlags(writer, SEQ, name("br0"), 0, Link.IFF_UP)))
                .isEqualTo(hex("28000000 1000 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 01000000"
                        + " 0800 0300 62723000"));
    }

    @Test
    void buildsMtuByName() {
        assertThat(sent(Rtnetlink.setAttrInt(writer, SEQ, name("br0"), Rtnetlink.IFLA_MTU, 1400)))
                .isEqualTo(hex("30000000 1000 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 0300 62723000"
                        + " 0800 0400 78050000"));
    }

    @Test
    void buildsMasterAndNamespaceMoveByName() {
        assertThat(sent(Rtnetlink.setAttrInt(writer, SEQ, name("va"), Rtnetlink.IFLA_MASTER, 2)))
                .endsWith(hex("0700 0300 76610000 0800 0a00 02000000"));
        assertThat(sent(Rtnetlink.setAttrInt(writer, SEQ, name("va"), Rtnetlink.IFLA_NET_NS_FD, 4)))
                .endsWith(hex("0700 0300 76610000 0800 1c00 04000000"));
    }

    @Test
    void buildsMacPaddedToFourBytes() {
        // The attribute is 10 bytes long and padded to 12, as iproute2 sends it.
        assertThat(sent(Rtnetlink.setMac(writer, SEQ, name("va"), 0x020000000001L)))
                .isEqualTo(hex("34000000 1000 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0700 0300 76610000"
                        + " 0a00 0100 020000000001 0000"));
    }

    @Test
    void buildsLinkDeleteByName() {
        assertThat(sent(Rtnetlink.deleteLink(writer, SEQ, name("br0"))))
                .isEqualTo(hex("28000000 1100 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 0300 62723000"));
    }

    @Test
    void buildsLinkQueryWithoutStatistics() {
        assertThat(sent(Rtnetlink.getLink(writer, SEQ, name("br0"))))
                .isEqualTo(hex("30000000 1200 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 1d00 08000000"
                        + " 0800 0300 62723000"));
        assertThat(sent(Rtnetlink.dumpLinks(writer, SEQ)))
                .isEqualTo(hex("28000000 1200 0103 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 1d00 08000000"));
    }

    @Test
    void buildsOnLinkGatewayRouteWithFlagAndDevice() {
        Ipv4Route route = new Ipv4Route(0, 0, 0xc0a80001, "eth1", true);
        assertThat(sent(Rtnetlink.newRoute(writer, SEQ, Rtnetlink.CREATE, route, 7)))
                .isEqualTo(hex("2c000000 1800 0506 3b70026b 00000000"
                        + " 02 00 00 00 fe 03 00 01 04000000"
                        + " 0800 0500 c0a80001"
                        + " 0800 0400 07000000"));
    }

    @Test
    void reusingTheWriterStartsTheNextRequestClean() {
        sent(Rtnetlink.newVeth(writer, SEQ, name("va"), name("vb"), 4));
        assertThat(sent(Rtnetlink.deleteLink(writer, SEQ, name("br0"))))
                .isEqualTo(hex("28000000 1100 0500 3b70026b 00000000"
                        + " 00 00 0000 00000000 00000000 00000000"
                        + " 0800 0300 62723000"));
    }
}
