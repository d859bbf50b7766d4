package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.sys.VirtioNetHdr;
import io.swarmnet.vxlan.port.SwitchPort;

/**
 * Receive-side coalescing, what GRO does in a NIC driver: consecutive decapsulated segments
 * of one TCP flow for one port are merged into a single TCP/IPv4 super-frame and written to
 * the TAP once, with a virtio header asking for GSO. The task's kernel then takes one
 * 64 KiB frame through its stack instead of ~48 small ones, and the VTEP makes one
 * {@code write(2)} instead of ~48.
 *
 * <p>Rules, after Linux's {@code inet_gro_receive} and {@code tcp_gro_receive}: only
 * segments with data, flags ACK and at most PSH, a 20-byte IPv4 header, and the same TOS,
 * TTL, DF, addresses, ports, acknowledgment number, TCP header length and TCP options as
 * the first; each must start where the previous one ended and be no longer than the
 * first; a shorter segment or PSH ends the frame. Every segment's TCP checksum is verified before it is merged, so the merged frame
 * can go out as a partial checksum ({@code NEEDS_CSUM}, which the kernel treats as
 * verified) without giving up end-to-end integrity; a segment that fails is passed on as it
 * is, for the task's kernel to drop and count. A frame of one segment goes out unchanged.
 *
 * <p>One slot, owned by the event loop: a frame that cannot join ends the pending one, so
 * the order of frames to a port is kept.
 */
final class TcpCoalescer {
    /** The largest IPv4 packet: the merged frame stops growing before it. */
    private static final int MAX_IP_LENGTH = 65535;
    private static final int MERGEABLE_FLAGS = TcpView.ACK | TcpView.PSH;

    private final ByteBuf slot;
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final VirtioNetHdr vnet = new VirtioNetHdr();

    /** The port of the pending frame; {@code null} when the slot is empty. */
    private SwitchPort port;
    private NetworkCounters counters;
    private int length;
    private int segments;
    private long frameBytes;
    private int ipHeaderLength;
    private int tcpHeaderLength;
    private int mss;
    private int nextSequence;
    private boolean push;
    private boolean closed;

    TcpCoalescer() {
        slot = Unpooled.directBuffer(DataPath.MAX_TAP_FRAME, DataPath.MAX_TAP_FRAME);
    }

    void release() {
        slot.release();
    }

    /**
     * Takes the decapsulated frame of {@code frameLength} bytes at {@code frameOffset} (an
     * untagged IPv4 frame whose IPv4 header {@code ipv4} already wraps) for {@code to}, or
     * returns false if it cannot be coalesced and must be written on its own, after
     * {@link #flush}.
     */
    boolean offer(SwitchPort to, NetworkCounters c, ByteBuf buf, int frameOffset, int frameLength, Ipv4View ipv4) {
        if (ipv4.protocol() != Ipv4View.PROTOCOL_TCP || ipv4.isFragment()
                || ipv4.headerLength() != Ipv4View.MIN_HEADER_LENGTH
                || ipv4.offset() != frameOffset + EthernetView.HEADER_LENGTH
                || !tcp.wrap(buf, ipv4.payloadOffset(), ipv4.payloadLength())) {
            return false;
        }
        int payload = tcp.payloadLength();
        int flags = tcp.flags();
        if (payload == 0 || (flags & ~MERGEABLE_FLAGS) != 0 || (flags & TcpView.ACK) == 0) {
            return false;
        }
        int src = ipv4.src();
        int dst = ipv4.dst();
        int pseudo = Checksums.pseudoHeaderSum(src, dst, Ipv4View.PROTOCOL_TCP, tcp.length());
        if (BulkChecksum.sum(buf, tcp.offset(), tcp.length(), pseudo) != 0xFFFF) {
            return false;
        }
        int frameEnd = ipv4.offset() + ipv4.totalLength();
        if (port == to && canAppend(buf, ipv4, payload)) {
            slot.setBytes(length, buf, frameEnd - payload, payload);
            length += payload;
            slot.writerIndex(length);
            segments++;
            frameBytes += frameLength;
            nextSequence += payload;
            push |= (flags & TcpView.PSH) != 0;
            closed = push || payload < mss;
            return true;
        }
        flush();
        int used = frameEnd - frameOffset;
        slot.setZero(0, SwitchPort.VNET_HEADER_LENGTH);
        slot.setBytes(SwitchPort.VNET_HEADER_LENGTH, buf, frameOffset, used);
        port = to;
        counters = c;
        length = SwitchPort.VNET_HEADER_LENGTH + used;
        // WARNING: the views and ByteBufUtil check bounds against the writer index; it
        // must follow the end of the pending frame.
        slot.writerIndex(length);
        segments = 1;
        frameBytes = frameLength;
        ipHeaderLength = ipv4.headerLength();
        tcpHeaderLength = tcp.headerLength();
        mss = payload;
        nextSequence = tcp.sequence() + payload;
        push = (flags & TcpView.PSH) != 0;
        closed = push;
        return true;
    }

    /** Whether the wrapped segment continues the pending frame; the slot's headers are the first segment's. */
    private boolean canAppend(ByteBuf buf, Ipv4View ipv4, int payload) {
        int slotIp = SwitchPort.VNET_HEADER_LENGTH + EthernetView.HEADER_LENGTH;
        int slotTcp = slotIp + ipHeaderLength;
        if (closed || payload > mss || tcp.headerLength() != tcpHeaderLength
                || tcp.sequence() != nextSequence
                || length - slotIp + payload > MAX_IP_LENGTH) {
            return false;
        }
        // Addresses, TOS, TTL, DF: the IPv4 header but for length, id and checksum.
        int at = ipv4.offset();
        return buf.getByte(at + 1) == slot.getByte(slotIp + 1)
                && buf.getShort(at + 6) == slot.getShort(slotIp + 6)
                && buf.getShort(at + 8) == slot.getShort(slotIp + 8)
                && buf.getLong(at + 12) == slot.getLong(slotIp + 12)
                // Ports, then acknowledgment number; then the options, byte for byte.
                && buf.getInt(tcp.offset()) == slot.getInt(slotTcp)
                && buf.getInt(tcp.offset() + 8) == slot.getInt(slotTcp + 8)
                && ByteBufUtil.equals(buf, tcp.offset() + TcpView.MIN_HEADER_LENGTH, slot, slotTcp + TcpView.MIN_HEADER_LENGTH,
                        tcpHeaderLength - TcpView.MIN_HEADER_LENGTH);
    }

    /** Writes the pending frame, if any, to its port. */
    void flush() {
        SwitchPort to = port;
        if (to == null) {
            return;
        }
        port = null;
        if (segments > 1) {
            int ipAt = SwitchPort.VNET_HEADER_LENGTH + EthernetView.HEADER_LENGTH;
            int ipLength = length - ipAt;
            slot.setShort(ipAt + 2, ipLength);
            ip.wrap(slot, ipAt, ipLength);
            ip.fillChecksum();
            tcp.wrap(slot, ip.payloadOffset(), ip.payloadLength());
            if (push) {
                tcp.setFlags(tcp.flags() | TcpView.PSH);
            }
            // CHECKSUM_PARTIAL: the field holds the pseudo-header sum, as a NIC expects it.
            tcp.setChecksum(Checksums.pseudoHeaderSum(ip.src(), ip.dst(), Ipv4View.PROTOCOL_TCP, ip.payloadLength()));
            vnet.wrap(slot, 0);
            vnet.clear()
                    .flags(VirtioNetHdr.F_NEEDS_CSUM)
                    .gsoType(VirtioNetHdr.GSO_TCPV4)
                    .hdrLen(EthernetView.HEADER_LENGTH + ipHeaderLength + tcpHeaderLength)
                    .gsoSize(mss)
                    .csumStart(EthernetView.HEADER_LENGTH + ipHeaderLength)
                    .csumOffset(16);
        }
        if (to.write(slot, 0, length)) {
            counters.add(NetworkCounters.RX_PACKETS, segments);
            counters.add(NetworkCounters.RX_BYTES, frameBytes);
        } else {
            for (int i = 0; i < segments; i++) {
                counters.drop(DropReason.PORT_BUSY);
            }
        }
        counters = null;
    }
}
