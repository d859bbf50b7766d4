package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reading link answers, including ones a kernel should never send. */
class NetlinkParseTest {
    private final ByteBuf buf = Unpooled.directBuffer(1024);
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter().wrap(buf);

    @AfterEach
    void release() {
        buf.release();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsNameKindMtuMasterMacAndFlags() throws IOException {
        writer.begin(Rtnetlink.RTM_NEWLINK, 0, 1).ifinfomsg(0, 7, Link.IFF_UP | 0x1000, 0)
                .attrString(Rtnetlink.IFLA_IFNAME, ascii("veth0"))
                .attrInt(Rtnetlink.IFLA_MTU, 1450)
                .attrInt(Rtnetlink.IFLA_MASTER, 3)
                .attrMac(Rtnetlink.IFLA_ADDRESS, 0x02420a000003L);
        int linkinfo = writer.beginNested(Rtnetlink.IFLA_LINKINFO | Netlink.NLA_F_NESTED);
        writer.attrString(Rtnetlink.IFLA_INFO_KIND, ascii("veth")).endNested(linkinfo);
        int length = writer.end();

        Link link = Rtnetlink.parseLink(buf, 0, length);

        assertThat(link).isEqualTo(new Link(7, "veth0", "veth", 1450, 3, 0x02420a000003L, Link.IFF_UP | 0x1000));
        assertThat(link.isUp()).isTrue();
    }

    @Test
    void leavesMissingAttributesAtTheirDefaults() throws IOException {
        int length = writer.begin(Rtnetlink.RTM_NEWLINK, 0, 1).ifinfomsg(0, 1, 0, 0)
                .attrString(Rtnetlink.IFLA_IFNAME, ascii("lo")).end();

        assertThat(Rtnetlink.parseLink(buf, 0, length)).isEqualTo(new Link(1, "lo", "", 0, 0, 0, 0));
    }

    @Test
    void stopsAtAnAttributeThatOverrunsTheMessage() throws IOException {
        int length = writer.begin(Rtnetlink.RTM_NEWLINK, 0, 1).ifinfomsg(0, 4, 0, 0)
                .attrInt(Rtnetlink.IFLA_MTU, 1500)
                .attrString(Rtnetlink.IFLA_IFNAME, ascii("br0")).end();
        Buffers.setHostShort(buf, 32, 200);

        Link link = Rtnetlink.parseLink(buf, 0, length);

        assertThat(link.index()).isEqualTo(4);
        assertThat(link.name()).isEmpty();
        assertThat(link.mtu()).isZero();
    }

    @Test
    void rejectsAMessageOfAnotherTypeOrTooShort() {
        int length = writer.begin(Rtnetlink.RTM_NEWADDR, 0, 1).ifaddrmsg(2, 24, 0, 0, 1).end();
        assertThatThrownBy(() -> Rtnetlink.parseLink(buf, 0, length))
                .isInstanceOf(IOException.class).hasMessageContaining("malformed link message");

        int shortLength = writer.begin(Rtnetlink.RTM_NEWLINK, 0, 1).end();
        assertThatThrownBy(() -> Rtnetlink.parseLink(buf, 0, shortLength))
                .isInstanceOf(IOException.class).hasMessageContaining("malformed link message");
    }

    @Test
    void refusesARequestLargerThanItsBuffer() {
        ByteBuf small = Unpooled.directBuffer(32, 32);
        try {
            NetlinkMessageWriter w = new NetlinkMessageWriter().wrap(small);
            w.begin(Rtnetlink.RTM_NEWLINK, 0, 1);
            assertThatThrownBy(() -> w.ifinfomsg(0, 0, 0, 0).attrInt(Rtnetlink.IFLA_MTU, 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("exceeds 32 bytes");
        } finally {
            small.release();
        }
    }

    @Test
    void readsTheLocalAddressOfAnAddressMessage() throws IOException {
        int length = writer.begin(Rtnetlink.RTM_NEWADDR, 0, 1)
                .ifaddrmsg(Rtnetlink.AF_INET, 24, 0, 0, 5)
                .attrIpv4(Rtnetlink.IFA_ADDRESS, 0x0a000002)
                .attrIpv4(Rtnetlink.IFA_LOCAL, 0x0a000001).end();

        assertThat(Rtnetlink.parseAddress(buf, 0, length)).isEqualTo(new Ipv4LinkAddress(5, 0x0a000001, 24));
    }

    @Test
    void skipsAddressesOfOtherFamiliesAndRefusesOnesWithoutAnAddress() {
        int v6 = writer.begin(Rtnetlink.RTM_NEWADDR, 0, 1).ifaddrmsg(10, 64, 0, 0, 5).end();
        assertThat(catchIo(() -> Rtnetlink.parseAddress(buf, 0, v6))).isNull();

        int bare = writer.begin(Rtnetlink.RTM_NEWADDR, 0, 1).ifaddrmsg(Rtnetlink.AF_INET, 24, 0, 0, 5).end();
        assertThatThrownBy(() -> Rtnetlink.parseAddress(buf, 0, bare)).isInstanceOf(IOException.class)
                .hasMessageContaining("ifindex 5");
    }

    private static Ipv4LinkAddress catchIo(IoCall call) {
        try {
            return call.get();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface IoCall {
        Ipv4LinkAddress get() throws IOException;
    }
}
