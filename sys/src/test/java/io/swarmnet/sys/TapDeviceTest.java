package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TAP devices on the real kernel, inside a namespace the test makes: the kernel answers ARP
 * and ping for the TAP's own address, which proves frames go both ways through the fd.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TapDeviceTest {
    private static final long TAP_MAC = 0x020000770001L;
    private static final long PEER_MAC = 0x020000770002L;
    private static final int TAP_IP = 0x0a4d0001;
    private static final int PEER_IP = 0x0a4d0002;
    private static final byte[] PING_DATA = "swarmnet-sys".getBytes(StandardCharsets.US_ASCII);

    private TestNamespace ns;
    private Rtnetlink rtnl;
    private final List<TapDevice> taps = new ArrayList<>();
    private final ByteBuf in = Unpooled.directBuffer(65536 + 64);
    private final ByteBuf out = Unpooled.directBuffer(2048);

    @BeforeEach
    void create() throws IOException {
        ns = TestNamespace.create("sys");
        rtnl = Rtnetlink.open(ns.netns());
        ns.disableIpv6();
    }

    @AfterEach
    void remove() throws IOException {
        in.release();
        out.release();
        try {
            for (TapDevice tap : taps) {
                tap.close();
            }
            rtnl.close();
        } finally {
            ns.close();
        }
    }

    private TapDevice open(String name, int flags) throws IOException {
        TapDevice tap = ns.netns().call(() -> IfTun.openTap(name, flags, true));
        taps.add(tap);
        return tap;
    }

    private TapDevice openConfigured(String name, int flags) throws IOException {
        TapDevice tap = open(name, flags);
        rtnl.setMac(tap.name(), TAP_MAC);
        rtnl.setMtu(tap.name(), 1400);
        rtnl.addAddress(tap.name(), TAP_IP, 24);
        rtnl.setLinkUp(tap.name());
        return tap;
    }

    @Test
    void tapConfiguredOverNetlinkShowsUpInIproute2() throws IOException {
        TapDevice tap = openConfigured("tap0", 0);

        assertThat(tap.name()).isEqualTo("tap0");
        assertThat(ns.ip("-d", "link", "show", "dev", "tap0"))
                .contains("mtu 1400")
                .contains(",UP,")
                .contains("link/ether 02:00:00:77:00:01")
                .contains("tun type tap pi off vnet_hdr off");
        assertThat(ns.ip("addr", "show", "dev", "tap0")).contains("inet 10.77.0.1/24");
        Link link = rtnl.link("tap0").orElseThrow();
        assertThat(link.kind()).isEqualTo("tun");
        assertThat(link.mtu()).isEqualTo(1400);
        assertThat(link.mac()).isEqualTo(TAP_MAC);
        assertThat(link.isUp()).isTrue();
    }

    @Test
    void kernelAnswersArpAndPingWrittenIntoTheTap() throws IOException {
        TapDevice tap = openConfigured("tap0", 0);

        exchangeArpAndPing(tap, 0);
    }

    @Test
    void vnetHeaderTapTakesOffloadsAndCarriesTheHeaderBeforeEveryFrame() throws IOException {
        TapDevice tap = open("tap1", IfTun.IFF_VNET_HDR);
        assertThat(tap.vnetHeaderSize()).isEqualTo(VirtioNetHdr.LENGTH);
        tap.setOffload(IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4 | IfTun.TUN_F_TSO6 | IfTun.TUN_F_TSO_ECN);
        tap.setVnetHeaderSize(12);
        rtnl.setMac(tap.name(), TAP_MAC);
        rtnl.addAddress(tap.name(), TAP_IP, 24);
        rtnl.setLinkUp(tap.name());

        assertThat(ns.ip("-d", "link", "show", "dev", "tap1")).contains("vnet_hdr on");
        exchangeArpAndPing(tap, 12);
    }

    @Test
    void offloadsWithoutVnetHeaderAndTooSmallHeadersAreRefused() throws IOException {
        TapDevice plain = open("tap2", 0);
        assertThatThrownBy(() -> plain.setOffload(IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tap2");
        plain.setOffload(0);
        assertThatThrownBy(() -> plain.setVnetHeaderSize(12)).isInstanceOf(IllegalStateException.class);

        TapDevice vnet = open("tap3", IfTun.IFF_VNET_HDR);
        assertThatThrownBy(() -> vnet.setOffload(IfTun.TUN_F_TSO4))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("TUNSETOFFLOAD tap3");
        assertThatThrownBy(() -> vnet.setVnetHeaderSize(4))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThat(vnet.vnetHeaderSize()).isEqualTo(VirtioNetHdr.LENGTH);
    }

    @Test
    void secondOpenOfASingleQueueTapIsBusyButMultiQueueAddsAQueue() throws IOException {
        open("tap4", 0);
        assertThatThrownBy(() -> open("tap4", 0))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                .hasMessageContaining("ioctl TUNSETIFF tap4");

        TapDevice first = open("tap5", IfTun.IFF_MULTI_QUEUE);
        TapDevice second = open("tap5", IfTun.IFF_MULTI_QUEUE);
        assertThat(second.name()).isEqualTo(first.name());
        assertThat(second.fd()).isNotEqualTo(first.fd());
    }

    @Test
    void kernelNamesTheTapWhenNoNameIsGiven() throws IOException {
        TapDevice tap = open(null, 0);

        assertThat(tap.name()).startsWith("tap");
        assertThat(rtnl.link(tap.name())).isPresent();
    }

    @Test
    void nonBlockingReadWithNoFrameReturnsZeroAndBlockingCanBeRestored() throws IOException {
        TapDevice tap = open("tap6", 0);

        assertThat(tap.read(in)).isZero();
        assertThat(in.writerIndex()).isZero();
        assertThat(tap.awaitReadable(50)).isFalse();
        tap.setNonBlocking(false);
        tap.setNonBlocking(true);
        assertThat(tap.read(in)).isZero();
    }

    @Test
    void tapDisappearsWhenClosedAndCloseIsIdempotent() throws IOException {
        TapDevice tap = open("tap7", 0);
        tap.close();
        tap.close();

        assertThat(rtnl.link("tap7")).isEmpty();
    }

    private void exchangeArpAndPing(TapDevice tap, int header) throws IOException {
        writeFrame(tap, header, this::arpRequest);
        ByteBuf arp = readUntil(tap, header, f -> f.getUnsignedShort(12) == 0x0806 && f.getUnsignedShort(20) == 2);
        assertThat(mac(arp, 0)).isEqualTo(PEER_MAC);
        assertThat(mac(arp, 22)).isEqualTo(TAP_MAC);
        assertThat(arp.getInt(28)).isEqualTo(TAP_IP);
        assertThat(arp.getInt(38)).isEqualTo(PEER_IP);
        arp.release();

        writeFrame(tap, header, this::echoRequest);
        ByteBuf reply = readUntil(tap, header, f -> f.getUnsignedShort(12) == 0x0800 && f.getByte(23) == 1
                && f.getByte(34) == 0);
        assertThat(mac(reply, 0)).isEqualTo(PEER_MAC);
        assertThat(reply.getInt(26)).isEqualTo(TAP_IP);
        assertThat(reply.getInt(30)).isEqualTo(PEER_IP);
        assertThat(reply.getUnsignedShort(38)).isEqualTo(0x5157);
        byte[] data = new byte[PING_DATA.length];
        reply.getBytes(42, data);
        assertThat(data).isEqualTo(PING_DATA);
        reply.release();
    }

    private void writeFrame(TapDevice tap, int header, java.util.function.Consumer<ByteBuf> frame) throws IOException {
        out.clear().writeZero(header);
        frame.accept(out);
        int length = out.readableBytes();
        assertThat(tap.write(out)).isEqualTo(length);
        assertThat(out.isReadable()).isFalse();
    }

    /**
     * Reads frames until one matches, skipping the kernel's unrelated chatter; returns a
     * copy of the frame without the virtio header.
     */
    private ByteBuf readUntil(TapDevice tap, int header, Predicate<ByteBuf> wanted) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        VirtioNetHdr vnet = new VirtioNetHdr();
        while (System.nanoTime() < deadline) {
            if (!tap.awaitReadable(200)) {
                continue;
            }
            in.clear();
            int n = tap.read(in);
            if (n < header + 14) {
                continue;
            }
            if (header > 0) {
                assertThat(vnet.wrap(in, 0)).isTrue();
                assertThat(vnet.isGso()).isFalse();
            }
            ByteBuf frame = in.slice(header, n - header);
            if (wanted.test(frame)) {
                return Unpooled.copiedBuffer(frame);
            }
        }
        throw new AssertionError("no matching frame from " + tap.name() + " within 5 s");
    }

    private void arpRequest(ByteBuf f) {
        writeMac(f, 0xffffffffffffL);
        writeMac(f, PEER_MAC);
        f.writeShort(0x0806);
        f.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(1);
        writeMac(f, PEER_MAC);
        f.writeInt(PEER_IP);
        writeMac(f, 0);
        f.writeInt(TAP_IP);
    }

    private void echoRequest(ByteBuf f) {
        writeMac(f, TAP_MAC);
        writeMac(f, PEER_MAC);
        f.writeShort(0x0800);
        int ip = f.writerIndex();
        f.writeByte(0x45).writeByte(0).writeShort(20 + 8 + PING_DATA.length)
                .writeShort(0x1234).writeShort(0x4000)
                .writeByte(64).writeByte(1).writeShort(0)
                .writeInt(PEER_IP).writeInt(TAP_IP);
        f.setShort(ip + 10, checksum(f, ip, 20));
        int icmp = f.writerIndex();
        f.writeByte(8).writeByte(0).writeShort(0).writeShort(0x5157).writeShort(1).writeBytes(PING_DATA);
        f.setShort(icmp + 2, checksum(f, icmp, f.writerIndex() - icmp));
    }

    private static int checksum(ByteBuf buf, int at, int length) {
        int sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += buf.getUnsignedShort(at + i);
        }
        if ((length & 1) != 0) {
            sum += buf.getUnsignedByte(at + length - 1) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    private static void writeMac(ByteBuf buf, long mac) {
        buf.writeInt((int) (mac >>> 16)).writeShort((int) mac);
    }

    private static long mac(ByteBuf buf, int at) {
        return ((buf.getInt(at) & 0xffffffffL) << 16) | buf.getUnsignedShort(at + 4);
    }
}
