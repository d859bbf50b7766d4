package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed input a view must refuse, by name. Each case pairs the broken bytes with
 * the valid bytes they were broken from, so a case proves that its one defect, not
 * something else, makes {@code wrap} return false; and no case may throw.
 */
class MalformedInputTest {

    /** A view under test, reachable through both {@code wrap} overloads. */
    enum Kind {
        ETHERNET(new EthernetView()) {
            boolean wrap(ByteBuf buf, int at) { return ((EthernetView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((EthernetView) view).wrap(buf, at, length); }
            void read() { ((EthernetView) view).dst(); }
        },
        ARP(new ArpView()) {
            boolean wrap(ByteBuf buf, int at) { return ((ArpView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((ArpView) view).wrap(buf, at, length); }
            void read() { ((ArpView) view).opcode(); }
        },
        IPV4(new Ipv4View()) {
            boolean wrap(ByteBuf buf, int at) { return ((Ipv4View) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((Ipv4View) view).wrap(buf, at, length); }
            void read() { ((Ipv4View) view).dst(); }
        },
        ICMP(new IcmpView()) {
            boolean wrap(ByteBuf buf, int at) { return ((IcmpView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((IcmpView) view).wrap(buf, at, length); }
            void read() { ((IcmpView) view).type(); }
        },
        UDP(new UdpView()) {
            boolean wrap(ByteBuf buf, int at) { return ((UdpView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((UdpView) view).wrap(buf, at, length); }
            void read() { ((UdpView) view).dstPort(); }
        },
        TCP(new TcpView()) {
            boolean wrap(ByteBuf buf, int at) { return ((TcpView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((TcpView) view).wrap(buf, at, length); }
            void read() { ((TcpView) view).dstPort(); }
        },
        VXLAN(new VxlanView()) {
            boolean wrap(ByteBuf buf, int at) { return ((VxlanView) view).wrap(buf, at); }
            boolean wrap(ByteBuf buf, int at, int length) { return ((VxlanView) view).wrap(buf, at, length); }
            void read() { ((VxlanView) view).vni(); }
        };

        final Object view;

        Kind(Object view) {
            this.view = view;
        }

        abstract boolean wrap(ByteBuf buf, int at);

        abstract boolean wrap(ByteBuf buf, int at, int length);

        /** Reads one field, to find out whether the view is wrapped. */
        abstract void read();

        /** A well-formed instance of this view's header, from the reference frames. */
        byte[] valid() {
            return switch (this) {
                case ETHERNET -> Frames.copy(Frames.ARP_REQUEST);
                case ARP -> Arrays.copyOfRange(Frames.ARP_REQUEST, Frames.IP, Frames.IP + ArpView.LENGTH);
                case IPV4 -> Arrays.copyOfRange(Frames.ICMP_ECHO, Frames.IP, Frames.ICMP_ECHO.length);
                case ICMP -> Arrays.copyOfRange(Frames.ICMP_ECHO, Frames.L4, Frames.ICMP_ECHO.length);
                case UDP -> Arrays.copyOfRange(Frames.UDP_DNS_QUERY, Frames.L4, Frames.UDP_DNS_QUERY.length);
                case TCP -> Arrays.copyOfRange(Frames.TCP_SYN, Frames.L4, Frames.TCP_SYN.length);
                case VXLAN -> Arrays.copyOfRange(Frames.VXLAN_ICMP, Frames.L4 + 8, Frames.VXLAN_ICMP.length);
            };
        }
    }

    /**
     * One malformed input: {@code valid} wraps, {@code malformed} does not. With
     * {@code length} -1 both overloads are tried (to the writer index and with the bytes'
     * length); otherwise only {@code wrap(buf, at, length)}, the length a caller passes.
     */
    record Case(String name, Kind kind, byte[] valid, byte[] malformed, int length) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                truncated("ethernet: 13 bytes, shorter than the header", Kind.ETHERNET, 13),
                new Case("ethernet: 802.1Q tag cut off before the inner EtherType", Kind.ETHERNET,
                        Arrays.copyOf(EthernetViewTest.tagged(Frames.ARP_REQUEST, "8100 0064"), 18),
                        Arrays.copyOf(EthernetViewTest.tagged(Frames.ARP_REQUEST, "8100 0064"), 17), -1),
                truncated("arp: 27 bytes", Kind.ARP, 27),
                broken("arp: hardware type 6 (IEEE 802), not Ethernet", Kind.ARP, b -> b[1] = 6),
                broken("arp: protocol type 0x86dd, not IPv4", Kind.ARP, b -> { b[2] = (byte) 0x86; b[3] = (byte) 0xDD; }),
                broken("arp: hardware address length 8", Kind.ARP, b -> b[4] = 8),
                broken("arp: protocol address length 16", Kind.ARP, b -> b[5] = 16),
                truncated("ipv4: 19 bytes", Kind.IPV4, 19),
                broken("ipv4: version 6", Kind.IPV4, b -> b[0] = 0x65),
                broken("ipv4: IHL 4, below the minimum of 5", Kind.IPV4, b -> b[0] = 0x44),
                broken("ipv4: IHL 0", Kind.IPV4, b -> b[0] = 0x40),
                new Case("ipv4: IHL 15 (60 bytes) beyond a 40-byte packet", Kind.IPV4,
                        withShort(Arrays.copyOf(Kind.IPV4.valid(), 40), 2, 40),
                        withByte(withShort(Arrays.copyOf(Kind.IPV4.valid(), 40), 2, 40), 0, 0x4F), -1),
                broken("ipv4: total length 77, beyond the 76 bytes there are", Kind.IPV4, b -> setShort(b, 2, 77)),
                broken("ipv4: total length 19, shorter than the header", Kind.IPV4, b -> setShort(b, 2, 19)),
                broken("ipv4: total length 0 (as in a BIG TCP super-packet)", Kind.IPV4, b -> setShort(b, 2, 0)),
                new Case("ipv4: total length beyond the length the caller passes", Kind.IPV4,
                        withShort(Kind.IPV4.valid(), 2, 75), Kind.IPV4.valid(), 75),
                truncated("icmp: 7 bytes", Kind.ICMP, 7),
                truncated("udp: 7 bytes", Kind.UDP, 7),
                broken("udp: length field 7, shorter than the header", Kind.UDP, b -> setShort(b, 4, 7)),
                broken("udp: length field 0", Kind.UDP, b -> setShort(b, 4, 0)),
                broken("udp: length field 38, beyond the 37 bytes there are", Kind.UDP, b -> setShort(b, 4, 38)),
                new Case("udp: length field beyond the IPv4 payload", Kind.UDP,
                        withShort(Kind.UDP.valid(), 4, 36), Kind.UDP.valid(), 36),
                truncated("tcp: 19 bytes", Kind.TCP, 19),
                broken("tcp: data offset 4, below the minimum of 5", Kind.TCP, b -> b[12] = 0x40),
                broken("tcp: data offset 0", Kind.TCP, b -> b[12] = 0x00),
                broken("tcp: data offset 15 (60 bytes) beyond a 40-byte segment", Kind.TCP, b -> b[12] = (byte) 0xF0),
                new Case("tcp: data offset beyond the IPv4 payload", Kind.TCP,
                        withByte(Kind.TCP.valid(), 12, 0x90), Kind.TCP.valid(), 36),
                truncated("vxlan: 7 bytes", Kind.VXLAN, 7),
                broken("vxlan: I flag clear", Kind.VXLAN, b -> b[0] = 0x00),
                broken("vxlan: only reserved flags set", Kind.VXLAN, b -> b[0] = (byte) 0xF7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesMalformedInput(Case c) {
        for (Placement placement : Placement.values()) {
            ByteBuf valid = placement.place(c.valid());
            ByteBuf malformed = placement.place(c.malformed());
            int at = placement.offset;
            if (c.length() < 0) {
                assertThat(c.kind().wrap(valid, at)).as("%s: valid, %s", c, placement).isTrue();
                assertThat(c.kind().wrap(valid, at, c.valid().length)).as("%s: valid with length, %s", c, placement).isTrue();
                assertThat(c.kind().wrap(malformed, at)).as("%s: malformed, %s", c, placement).isFalse();
                assertThat(c.kind().wrap(malformed, at, c.malformed().length)).as("%s: malformed with length, %s", c, placement).isFalse();
            } else {
                assertThat(c.kind().wrap(valid, at, c.length())).as("%s: valid, %s", c, placement).isTrue();
                assertThat(c.kind().wrap(malformed, at, c.length())).as("%s: malformed, %s", c, placement).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void refusesOffsetsAndLengthsOutsideTheBuffer(Kind kind) {
        for (Placement placement : Placement.values()) {
            ByteBuf buf = placement.place(kind.valid());
            int at = placement.offset;
            int end = buf.writerIndex();
            assertThat(kind.wrap(buf, at, end - at)).as("the whole view, %s", placement).isTrue();

            assertThat(kind.wrap(buf, -1)).as("offset -1").isFalse();
            assertThat(kind.wrap(buf, Integer.MIN_VALUE)).as("offset MIN_VALUE").isFalse();
            assertThat(kind.wrap(buf, end)).as("offset at the writer index").isFalse();
            assertThat(kind.wrap(buf, end + 1)).as("offset past the writer index").isFalse();
            assertThat(kind.wrap(buf, Integer.MAX_VALUE)).as("offset MAX_VALUE").isFalse();
            assertThat(kind.wrap(buf, at, end - at + 1)).as("length past the writer index").isFalse();
            assertThat(kind.wrap(buf, at, Integer.MAX_VALUE)).as("length MAX_VALUE").isFalse();
            assertThat(kind.wrap(buf, at, -1)).as("negative length").isFalse();
            assertThat(kind.wrap(buf, -1, end + 1)).as("offset -1 with a length to the writer index").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void refusesBytesBeyondTheWriterIndexEvenWithinCapacity(Kind kind) {
        byte[] valid = kind.valid();
        ByteBuf buf = Placement.HEAP_AT_ZERO.place(valid);
        buf.writerIndex(Math.min(valid.length - 1, 7));

        assertThat(kind.wrap(buf, 0)).isFalse();
        assertThat(kind.wrap(buf, 0, valid.length)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void failedWrapLeavesTheViewUnwrapped(Kind kind) {
        ByteBuf buf = Placement.HEAP_AT_ZERO.place(kind.valid());
        assertThat(kind.wrap(buf, 0)).isTrue();

        assertThat(kind.wrap(buf, -1)).isFalse();

        // Reading a stale frame would be worse than failing loudly.
        assertThatNullPointerException().isThrownBy(kind::read);
    }

    @Test
    void namesEveryCaseUniquely() {
        assertThat(cases().map(Case::name)).doesNotHaveDuplicates();
    }

    private static Case truncated(String name, Kind kind, int length) {
        byte[] valid = kind.valid();
        return new Case(name, kind, valid, Arrays.copyOf(valid, length), -1);
    }

    private static Case broken(String name, Kind kind, Consumer<byte[]> breakIt) {
        byte[] valid = kind.valid();
        byte[] malformed = Frames.copy(valid);
        breakIt.accept(malformed);
        return new Case(name, kind, valid, malformed, -1);
    }

    private static byte[] withByte(byte[] bytes, int index, int value) {
        byte[] copy = Frames.copy(bytes);
        copy[index] = (byte) value;
        return copy;
    }

    private static byte[] withShort(byte[] bytes, int index, int value) {
        byte[] copy = Frames.copy(bytes);
        setShort(copy, index, value);
        return copy;
    }

    private static void setShort(byte[] bytes, int index, int value) {
        bytes[index] = (byte) (value >>> 8);
        bytes[index + 1] = (byte) value;
    }
}
