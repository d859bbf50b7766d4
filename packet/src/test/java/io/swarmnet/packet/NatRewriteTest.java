package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 1624 incremental updates, as the NAT stage applies them, against full recomputation. */
class NatRewriteTest {

    private static final int ROUNDS = 5_000;

    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();

    @ParameterizedTest
    @EnumSource(Placement.class)
    void incrementalTcpUpdateEqualsFullRecomputation(Placement placement) {
        Random random = new Random(793);
        for (int round = 0; round < ROUNDS; round++) {
            ByteBuf buf = randomPacket(random, placement, Ipv4View.PROTOCOL_TCP);
            int at = placement.offset;
            assertThat(ip.wrap(buf, at)).isTrue();
            assertThat(tcp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
            tcp.fillChecksum(ip.src(), ip.dst());

            rewrite(random, (field, oldValue, newValue) -> {
                switch (field) {
                    case 0 -> { ip.setSrc(newValue); ip.adjustChecksum32(oldValue, newValue); tcp.adjustChecksum32(oldValue, newValue); }
                    case 1 -> { ip.setDst(newValue); ip.adjustChecksum32(oldValue, newValue); tcp.adjustChecksum32(oldValue, newValue); }
                    case 2 -> { tcp.setSrcPort(newValue); tcp.adjustChecksum16(oldValue, newValue); }
                    default -> { tcp.setDstPort(newValue); tcp.adjustChecksum16(oldValue, newValue); }
                }
            }, ip.src(), ip.dst(), tcp.srcPort(), tcp.dstPort());

            byte[] bytes = Placement.bytes(buf, at, ip.totalLength());
            assertThat(ip.checksum()).as("round %d IPv4", round).isEqualTo(ip.computeChecksum())
                    .isEqualTo(Frames.referenceChecksum(zeroed(bytes, 10), 0, 20));
            assertThat(tcp.checksum()).as("round %d TCP", round).isEqualTo(tcp.computeChecksum(ip.src(), ip.dst()))
                    .isEqualTo(Frames.referenceL4Checksum(ip.src(), ip.dst(), 6, zeroed(bytes, 20 + 16), 20, bytes.length));
            assertThat(ip.isChecksumValid()).isTrue();
            assertThat(tcp.isChecksumValid(ip.src(), ip.dst())).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void incrementalUdpUpdateEqualsFullRecomputation(Placement placement) {
        Random random = new Random(768);
        for (int round = 0; round < ROUNDS; round++) {
            ByteBuf buf = randomPacket(random, placement, Ipv4View.PROTOCOL_UDP);
            assertThat(ip.wrap(buf, placement.offset)).isTrue();
            assertThat(udp.wrap(buf, ip.payloadOffset(), ip.payloadLength())).isTrue();
            udp.fillChecksum(ip.src(), ip.dst());

            rewrite(random, (field, oldValue, newValue) -> {
                switch (field) {
                    case 0 -> { ip.setSrc(newValue); ip.adjustChecksum32(oldValue, newValue); udp.adjustChecksum32(oldValue, newValue); }
                    case 1 -> { ip.setDst(newValue); ip.adjustChecksum32(oldValue, newValue); udp.adjustChecksum32(oldValue, newValue); }
                    case 2 -> { udp.setSrcPort(newValue); udp.adjustChecksum16(oldValue, newValue); }
                    default -> { udp.setDstPort(newValue); udp.adjustChecksum16(oldValue, newValue); }
                }
            }, ip.src(), ip.dst(), udp.srcPort(), udp.dstPort());

            assertThat(udp.checksum()).as("round %d UDP", round).isEqualTo(udp.computeChecksum(ip.src(), ip.dst()));
            assertThat(udp.isChecksumValid(ip.src(), ip.dst())).isTrue();
            assertThat(ip.checksum()).isEqualTo(ip.computeChecksum());
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void udpUpdateKeepsAComputedZeroAs0xffff(Placement placement) {
        // Pick the data word that makes the checksum compute to 0, so it goes out as 0xffff.
        ByteBuf buf = placement.place(Frames.copy(Frames.UDP_DNS_QUERY));
        int at = placement.offset;
        ip.wrap(buf, at + Frames.IP);
        udp.wrap(buf, ip.payloadOffset(), ip.payloadLength());
        buf.setShort(udp.payloadOffset(), 0);
        int without = udp.computeChecksum(ip.src(), ip.dst());
        buf.setShort(udp.payloadOffset(), without);
        assertThat(udp.computeChecksum(ip.src(), ip.dst())).isEqualTo(0xFFFF);
        udp.fillChecksum(ip.src(), ip.dst());

        int oldPort = udp.srcPort();
        udp.setSrcPort(oldPort + 1);
        udp.adjustChecksum16(oldPort, oldPort + 1);
        udp.setSrcPort(oldPort);
        udp.adjustChecksum16(oldPort + 1, oldPort);

        assertThat(udp.checksum()).isEqualTo(0xFFFF);
        assertThat(udp.isChecksumValid(ip.src(), ip.dst())).isTrue();
    }

    private interface Rewrite {
        void apply(int field, int oldValue, int newValue);
    }

    /** Rewrites one to four of src, dst, src port, dst port to random or corner values. */
    private static void rewrite(Random random, Rewrite rewrite, int src, int dst, int srcPort, int dstPort) {
        int[] old = {src, dst, srcPort, dstPort};
        int fields = 1 + random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            int field = random.nextInt(4);
            int newValue = switch (random.nextInt(8)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> old[field];
                default -> random.nextInt();
            };
            if (field >= 2) {
                newValue &= 0xFFFF;
            }
            rewrite.apply(field, old[field], newValue);
            old[field] = newValue;
        }
    }

    /** An option-less IPv4 packet with a TCP or UDP header and 0 to 100 random data bytes; checksums not set. */
    private static ByteBuf randomPacket(Random random, Placement placement, int protocol) {
        int l4Header = protocol == Ipv4View.PROTOCOL_TCP ? TcpView.MIN_HEADER_LENGTH : UdpView.HEADER_LENGTH;
        int totalLength = Ipv4View.MIN_HEADER_LENGTH + l4Header + random.nextInt(101);
        byte[] packet = new byte[totalLength];
        random.nextBytes(packet);
        ByteBuf buf = placement.place(packet);
        int at = placement.offset;
        Ipv4View.write(buf, at, totalLength, random.nextInt(0x10000), 1 + random.nextInt(255), protocol,
                random.nextInt(), random.nextInt());
        int l4 = at + Ipv4View.MIN_HEADER_LENGTH;
        if (protocol == Ipv4View.PROTOCOL_TCP) {
            buf.setByte(l4 + TcpView.DATA_OFFSET, 5 << 4);
        } else {
            buf.setShort(l4 + UdpView.LENGTH, totalLength - Ipv4View.MIN_HEADER_LENGTH);
        }
        return buf;
    }

    private static byte[] zeroed(byte[] bytes, int checksumAt) {
        byte[] copy = Frames.copy(bytes);
        copy[checksumAt] = 0;
        copy[checksumAt + 1] = 0;
        return copy;
    }
}
