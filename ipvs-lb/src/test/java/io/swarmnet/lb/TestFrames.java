package io.swarmnet.lb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import java.util.ArrayList;
import java.util.List;

/** Builds Ethernet/IPv4/TCP-UDP-ICMP frames with right checksums, and checks them by recomputation. */
final class TestFrames {
    static final int ETH = EthernetView.HEADER_LENGTH;

    private TestFrames() {
    }

    /** A TCP segment with {@code payload} bytes of data, checksums filled. */
    static ByteBuf tcp(long dstMac, long srcMac, int src, int dst, int sport, int dport, int seq, int ack, int flags,
                       int payload) {
        int tcpLength = 20 + payload;
        ByteBuf b = Unpooled.directBuffer(ETH + 20 + tcpLength);
        EthernetView.write(b, 0, dstMac, srcMac, EthernetView.TYPE_IPV4);
        Ipv4View.write(b, ETH, 20 + tcpLength, 0x1234, 64, Ipv4View.PROTOCOL_TCP, src, dst);
        int t = ETH + 20;
        b.setShort(t, sport);
        b.setShort(t + 2, dport);
        b.setInt(t + 4, seq);
        b.setInt(t + 8, ack);
        b.setByte(t + 12, 5 << 4);
        b.setByte(t + 13, flags);
        b.setShort(t + 14, 65535);
        b.setShort(t + 16, 0);
        b.setShort(t + 18, 0);
        for (int i = 0; i < payload; i++) {
            b.setByte(t + 20 + i, i * 7 + 3);
        }
        b.writerIndex(ETH + 20 + tcpLength);
        int pseudo = Checksums.pseudoHeaderSum(src, dst, Ipv4View.PROTOCOL_TCP, tcpLength);
        b.setShort(t + 16, ~Checksums.sum(b, t, tcpLength, pseudo) & 0xFFFF);
        return b;
    }

    /** A UDP datagram with {@code payload} bytes; {@code checksum} false leaves the field 0 (none). */
    static ByteBuf udp(long dstMac, long srcMac, int src, int dst, int sport, int dport, int payload, boolean checksum) {
        int udpLength = 8 + payload;
        ByteBuf b = Unpooled.directBuffer(ETH + 20 + udpLength);
        EthernetView.write(b, 0, dstMac, srcMac, EthernetView.TYPE_IPV4);
        Ipv4View.write(b, ETH, 20 + udpLength, 0x4321, 64, Ipv4View.PROTOCOL_UDP, src, dst);
        int u = ETH + 20;
        b.setShort(u, sport);
        b.setShort(u + 2, dport);
        b.setShort(u + 4, udpLength);
        b.setShort(u + 6, 0);
        for (int i = 0; i < payload; i++) {
            b.setByte(u + 8 + i, i * 13 + 1);
        }
        b.writerIndex(ETH + 20 + udpLength);
        if (checksum) {
            int pseudo = Checksums.pseudoHeaderSum(src, dst, Ipv4View.PROTOCOL_UDP, udpLength);
            int c = ~Checksums.sum(b, u, udpLength, pseudo) & 0xFFFF;
            b.setShort(u + 6, c == 0 ? 0xFFFF : c);
        }
        return b;
    }

    /** An ICMP echo request with {@code payload} bytes of data. */
    static ByteBuf echo(long dstMac, long srcMac, int src, int dst, int id, int seq, int payload) {
        int icmpLength = 8 + payload;
        ByteBuf b = Unpooled.directBuffer(ETH + 20 + icmpLength);
        EthernetView.write(b, 0, dstMac, srcMac, EthernetView.TYPE_IPV4);
        Ipv4View.write(b, ETH, 20 + icmpLength, 7, 64, Ipv4View.PROTOCOL_ICMP, src, dst);
        int c = ETH + 20;
        b.setByte(c, 8);
        b.setByte(c + 1, 0);
        b.setShort(c + 2, 0);
        b.setShort(c + 4, id);
        b.setShort(c + 6, seq);
        for (int i = 0; i < payload; i++) {
            b.setByte(c + 8 + i, i);
        }
        b.writerIndex(ETH + 20 + icmpLength);
        b.setShort(c + 2, Checksums.checksum(b, c, icmpLength));
        return b;
    }

    /**
     * Turns the TCP or UDP checksum of a frame built above into what a TAP hands over with
     * NEEDS_CSUM: the uncomplemented pseudo-header sum.
     */
    static void makePartial(ByteBuf b, int checksumOffsetInL4) {
        int src = b.getInt(ETH + 12);
        int dst = b.getInt(ETH + 16);
        int protocol = b.getUnsignedByte(ETH + 9);
        int l4Length = b.getUnsignedShort(ETH + 2) - 20;
        b.setShort(ETH + 20 + checksumOffsetInL4, Checksums.pseudoHeaderSum(src, dst, protocol, l4Length));
    }

    /** Completes a partial checksum as a NIC would: the complemented sum from the L4 header on. */
    static void completePartial(ByteBuf b, int checksumOffsetInL4) {
        int l4Length = b.getUnsignedShort(ETH + 2) - 20;
        int c = ~Checksums.sum(b, ETH + 20, l4Length) & 0xFFFF;
        b.setShort(ETH + 20 + checksumOffsetInL4, c);
    }

    /** Whether the IPv4 header checksum and the TCP/UDP/ICMP checksum of a frame are right. */
    static boolean checksumsValid(ByteBuf b, int at) {
        int ip = at + ETH;
        if (Checksums.sum(b, ip, 20) != 0xFFFF) {
            return false;
        }
        int protocol = b.getUnsignedByte(ip + 9);
        int l4Length = b.getUnsignedShort(ip + 2) - 20;
        if (protocol == Ipv4View.PROTOCOL_ICMP) {
            return Checksums.sum(b, ip + 20, l4Length) == 0xFFFF;
        }
        if (protocol == Ipv4View.PROTOCOL_UDP && b.getUnsignedShort(ip + 20 + 6) == 0) {
            return true;
        }
        int pseudo = Checksums.pseudoHeaderSum(b.getInt(ip + 12), b.getInt(ip + 16), protocol, l4Length);
        return Checksums.sum(b, ip + 20, l4Length, pseudo) == 0xFFFF;
    }

    /**
     * Cuts the IPv4 datagram of {@code whole} (a frame with a 20-byte header) into fragments
     * of {@code chunk} bytes of payload each (a multiple of 8), as a sender's kernel does:
     * the same identification, MF on all but the last, offsets in 8-byte units, each with
     * its own length and header checksum.
     */
    static List<ByteBuf> fragments(ByteBuf whole, int chunk) {
        int payload = whole.getUnsignedShort(ETH + 2) - 20;
        List<ByteBuf> out = new ArrayList<>();
        for (int from = 0; from < payload; from += chunk) {
            int n = Math.min(chunk, payload - from);
            ByteBuf f = Unpooled.directBuffer(ETH + 20 + n);
            f.writeBytes(whole, 0, ETH + 20);
            f.writeBytes(whole, ETH + 20 + from, n);
            f.setShort(ETH + 2, 20 + n);
            f.setShort(ETH + 6, (from + n < payload ? 0x2000 : 0) | (from / 8));
            f.setShort(ETH + 10, 0);
            f.setShort(ETH + 10, ~Checksums.sum(f, ETH, 20) & 0xFFFF);
            out.add(f);
        }
        return out;
    }
}
