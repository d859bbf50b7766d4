package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.testing.Frames;
import io.swarmnet.vxlan.port.SwitchPort;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames for the data-path tests, built on the packet module's reference frames
 * ({@link Frames}).
 */
final class TestFrames {
    static final long MAC_5 = 0x02420a000005L;
    static final long MAC_2 = 0x02420a000002L;
    static final int IP_5 = 0x0a000005;
    static final int IP_2 = 0x0a000002;

    /** Offset of the TCP checksum in {@link #Frames.TCP_SYN}. */
    static final int TCP_SYN_CHECKSUM = 14 + 20 + 16;

    private TestFrames() {
    }

    /** A direct buffer holding {@code frame} behind a zero virtio header, as a TAP read returns it. */
    static ByteBuf fromTap(byte[] frame) {
        ByteBuf buf = Unpooled.directBuffer(SwitchPort.VNET_HEADER_LENGTH + frame.length);
        buf.writeZero(SwitchPort.VNET_HEADER_LENGTH).writeBytes(frame);
        return buf;
    }

    /** A direct buffer holding a VXLAN header (flags, VNI) and then {@code frame}. */
    static ByteBuf vxlan(int flags, int vni, byte[] frame) {
        ByteBuf buf = Unpooled.directBuffer(8 + frame.length);
        buf.writeInt(flags << 24).writeInt(vni << 8).writeBytes(frame);
        return buf;
    }

    static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(offset, bytes);
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A TCP/IPv4 super-frame as a TAP with TSO hands it over: Ethernet, IPv4 (DF, id
     * {@code ipId}), TCP with 12 bytes of timestamp options, {@code payload} bytes counting
     * up from {@code seq}, and a virtio header asking for segmentation at {@code mss}.
     */
    static ByteBuf superFrame(long dst, long src, int srcIp, int dstIp, int seq, int ipId, int payload, int mss,
                              int flags, boolean ecn) {
        int tcpHeader = 32;
        int ipLength = 20 + tcpHeader + payload;
        ByteBuf buf = Unpooled.directBuffer(SwitchPort.VNET_HEADER_LENGTH + 14 + ipLength);
        buf.writerIndex(SwitchPort.VNET_HEADER_LENGTH + 14 + ipLength);
        buf.setByte(0, 1); // NEEDS_CSUM
        buf.setByte(1, 1 | (ecn ? 0x80 : 0)); // GSO_TCPV4
        buf.setShortLE(2, 14 + 20 + tcpHeader);
        buf.setShortLE(4, mss);
        buf.setShortLE(6, 14 + 20);
        buf.setShortLE(8, 16);
        int at = SwitchPort.VNET_HEADER_LENGTH;
        EthernetView.write(buf, at, dst, src, EthernetView.TYPE_IPV4);
        Ipv4View.write(buf, at + 14, ipLength, ipId, 64, Ipv4View.PROTOCOL_TCP, srcIp, dstIp);
        Ipv4View ip = new Ipv4View();
        ip.wrap(buf, at + 14);
        ip.setFlagsAndFragmentOffset(Ipv4View.FLAG_DF);
        ip.fillChecksum();
        int tcp = at + 34;
        buf.setShort(tcp, 43512);
        buf.setShort(tcp + 2, 5001);
        buf.setInt(tcp + 4, seq);
        buf.setInt(tcp + 8, 0x01020304);
        buf.setByte(tcp + 12, (tcpHeader / 4) << 4);
        buf.setByte(tcp + 13, flags);
        buf.setShort(tcp + 14, 502);
        buf.setShort(tcp + 16, 0x5555); // the kernel leaves a partial sum here; segmentation must ignore it
        buf.setShort(tcp + 18, 0);
        buf.setInt(tcp + 20, 0x0101080a);
        buf.setInt(tcp + 24, 0x11223344);
        buf.setInt(tcp + 28, 0x55667788);
        for (int i = 0; i < payload; i++) {
            buf.setByte(tcp + tcpHeader + i, (seq + i) & 0xFF);
        }
        return buf;
    }

    /** A port that records what it is given, or refuses it. */
    static class FakePort implements SwitchPort {
        final int id;
        final int vni;
        final List<byte[]> written = new ArrayList<>();
        boolean refuse;

        FakePort(int id, int vni) {
            this.id = id;
            this.vni = vni;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public int vni() {
            return vni;
        }

        @Override
        public boolean write(ByteBuf buf, int offset, int length) {
            if (refuse) {
                return false;
            }
            written.add(bytes(buf, offset, length));
            return true;
        }
    }

    /** An underlay that keeps what is sent, for the test to read and then {@link #release}. */
    static final class RecordingUnderlay implements Underlay {
        record Sent(byte[] bytes, int peer, int flowHash, int segmentSize) {
        }

        final List<Sent> sent = new ArrayList<>();
        boolean segmentation = true;
        boolean busy;
        int flushes;

        @Override
        public io.netty.buffer.ByteBufAllocator alloc() {
            return io.netty.buffer.PooledByteBufAllocator.DEFAULT;
        }

        @Override
        public boolean supportsSegmentation() {
            return segmentation;
        }

        @Override
        public boolean send(ByteBuf datagram, int peer, int flowHash, int segmentSize) {
            try {
                if (busy) {
                    return false;
                }
                sent.add(new Sent(bytes(datagram, datagram.readerIndex(), datagram.readableBytes()), peer, flowHash,
                        segmentSize));
                return true;
            } finally {
                datagram.release();
            }
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    /** Reads TCP fields of a segment frame, for assertions. */
    static int tcpFlags(byte[] frame) {
        return frame[14 + 20 + 13] & 0xFF;
    }

    static final int FIN_PSH = TcpView.FIN | TcpView.PSH;
}
