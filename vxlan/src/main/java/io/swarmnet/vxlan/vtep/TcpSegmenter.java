package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import io.swarmnet.packet.VxlanView;

/**
 * Cuts a TCP/IPv4 super-frame (TSO, what a TAP with {@code TUN_F_TSO4} hands over) into
 * frames of at most one MSS of payload each, as a NIC would, and puts a VXLAN header before
 * each: the segments then go out as one UDP GSO send or as separate datagrams.
 *
 * <p>Each segment repeats the Ethernet, IPv4 and TCP headers with: the IPv4 total length
 * of the segment, the identification incremented per segment (as Linux's TSO does), a
 * fresh header checksum; the sequence number advanced by the payload before it; FIN and PSH
 * only on the last segment and CWR only on the first (RFC 3168 §6.1.2, what
 * {@code SKB_GSO_TCP_ECN} asks for); and a full TCP checksum, since the checksum in a
 * super-frame is only the partial sum of the pseudo-header.
 *
 * <p>One instance per thread: it holds the two views it works with.
 */
final class TcpSegmenter {
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();

    /** The super-frame being cut, set by {@link #prepare}. */
    private ByteBuf src;
    private int frameOffset;
    private int headersLength;
    private int ipOffset;
    private int ipHeaderLength;
    private int tcpHeaderLength;
    private int payloadLength;
    private int mss;
    private int segments;
    private int identification;
    private int sequence;
    private int flags;
    private int srcIp;
    private int dstIp;

    /**
     * Reads the headers of the frame of {@code length} bytes at {@code frameOffset}, whose
     * IPv4 header starts {@code l3Offset} bytes in, to be cut at {@code mss} bytes of
     * payload; returns false if it is not TCP/IPv4 whose headers fit the frame.
     */
    boolean prepare(ByteBuf src, int frameOffset, int length, int l3Offset, int mss) {
        this.src = null;
        if (mss <= 0 || !ip.wrap(src, frameOffset + l3Offset, length - l3Offset)
                || ip.protocol() != Ipv4View.PROTOCOL_TCP || ip.isFragment()
                || !tcp.wrap(src, ip.payloadOffset(), ip.payloadLength())) {
            return false;
        }
        this.src = src;
        this.frameOffset = frameOffset;
        this.ipOffset = l3Offset;
        this.ipHeaderLength = ip.headerLength();
        this.tcpHeaderLength = tcp.headerLength();
        this.headersLength = l3Offset + ipHeaderLength + tcpHeaderLength;
        this.payloadLength = tcp.payloadLength();
        this.mss = mss;
        this.segments = Math.max(1, (payloadLength + mss - 1) / mss);
        this.identification = ip.identification();
        this.sequence = tcp.sequence();
        this.flags = tcp.flags();
        this.srcIp = ip.src();
        this.dstIp = ip.dst();
        return true;
    }

    /** Returns the number of segments the prepared frame cuts into. */
    int segments() {
        return segments;
    }

    /** Returns the IPv4 length of a full segment: headers plus one MSS. */
    int fullSegmentIpLength() {
        return ipHeaderLength + tcpHeaderLength + Math.min(mss, payloadLength);
    }

    /** Returns the bytes a full segment takes with its VXLAN header: the stride of a GSO send. */
    int stride() {
        return VxlanView.HEADER_LENGTH + headersLength + Math.min(mss, payloadLength);
    }

    /** Returns the bytes segments {@code first} to {@code first + count - 1} take with their VXLAN headers. */
    int bytes(int first, int count) {
        int payload = Math.min(payloadLength - first * mss, count * mss);
        return count * (VxlanView.HEADER_LENGTH + headersLength) + Math.max(0, payload);
    }

    /**
     * Writes segments {@code first} to {@code first + count - 1}, each behind a VXLAN header
     * for {@code vni}, contiguously into {@code out} from {@code outOffset}; returns the bytes
     * written ({@link #bytes}). Writes by absolute index; the caller moves the writer index.
     */
    int write(int first, int count, int vni, ByteBuf out, int outOffset) {
        int at = outOffset;
        int last = segments - 1;
        for (int s = first; s < first + count; s++) {
            int payloadOffset = s * mss;
            int segmentPayload = Math.min(mss, payloadLength - payloadOffset);
            at += VxlanView.write(out, at, vni);
            out.setBytes(at, src, frameOffset, headersLength);
            out.setBytes(at + headersLength, src, frameOffset + headersLength + payloadOffset, segmentPayload);
            int ipAt = at + ipOffset;
            int ipLength = ipHeaderLength + tcpHeaderLength + segmentPayload;
            // The copied header still carries the super-frame's total length, which the
            // view would refuse as longer than the segment.
            out.setShort(ipAt + 2, ipLength);
            ip.wrap(out, ipAt, ipLength);
            ip.setIdentification(identification + s);
            ip.fillChecksum();
            tcp.wrap(out, ip.payloadOffset(), ip.payloadLength());
            tcp.setSequence(sequence + payloadOffset);
            int segmentFlags = flags;
            if (s != last) {
                segmentFlags &= ~(TcpView.FIN | TcpView.PSH);
            }
            if (s != 0) {
                segmentFlags &= ~TcpView.CWR;
            }
            tcp.setFlags(segmentFlags);
            tcp.setChecksum(0);
            int tcpLength = tcpHeaderLength + segmentPayload;
            int pseudo = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4View.PROTOCOL_TCP, tcpLength);
            tcp.setChecksum(~BulkChecksum.sum(out, tcp.offset(), tcpLength, pseudo) & 0xFFFF);
            at += headersLength + segmentPayload;
        }
        return at - outOffset;
    }

    /** Forgets the super-frame, so no reference to a reused buffer outlives its use. */
    void clear() {
        src = null;
    }
}
