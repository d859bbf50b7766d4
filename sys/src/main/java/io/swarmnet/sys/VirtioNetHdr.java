package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;

/**
 * View of the {@code struct virtio_net_hdr} a TAP with {@link IfTun#IFF_VNET_HDR} puts
 * before every frame (virtio 1.2 §5.1.6, {@code linux/virtio_net.h}). Reusable; never
 * allocates; never moves indices.
 *
 * <pre>
 *  0       1          2          4          6            8             10
 * +-------+----------+----------+----------+------------+-------------+
 * | flags | gso_type | hdr_len  | gso_size | csum_start | csum_offset |
 * +-------+----------+----------+----------+------------+-------------+
 * </pre>
 *
 * <p>A read with TSO on returns a super-frame: {@code gso_type} says TCPv4 or TCPv6,
 * {@code gso_size} is the MSS to cut it into, {@code hdr_len} the length of the Ethernet,
 * IP and TCP headers to repeat, and with {@code NEEDS_CSUM} the checksum at
 * {@code csum_start + csum_offset} still has to be completed over the bytes from
 * {@code csum_start}. The 16-bit fields are little-endian (virtio 1.0, and the host order of
 * every host {@link IfTun} allows them on). A 12-byte header (virtio 1.0 framing) adds
 * {@code num_buffers}, which a TAP leaves 0.
 */
public final class VirtioNetHdr {
    /** Bytes of the header without {@code num_buffers}. */
    public static final int LENGTH = 10;

    /** {@link #flags()}: the checksum from {@link #csumStart()} is still to be computed. */
    public static final int F_NEEDS_CSUM = 1;
    /** {@link #flags()}: the checksums were verified already. */
    public static final int F_DATA_VALID = 2;

    /** {@link #gsoType()}: an ordinary frame. */
    public static final int GSO_NONE = 0;
    /** {@link #gsoType()}: a TCP/IPv4 super-frame. */
    public static final int GSO_TCPV4 = 1;
    /** {@link #gsoType()}: a UDP fragmentation super-frame (UFO, legacy). */
    public static final int GSO_UDP = 3;
    /** {@link #gsoType()}: a TCP/IPv6 super-frame. */
    public static final int GSO_TCPV6 = 4;
    /** {@link #gsoType()}: a UDP segmentation super-frame (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** Bit of {@link #gsoType()}: the TCP super-frame carries ECN (CWR set). */
    public static final int GSO_ECN = 0x80;

    static final int FLAGS = 0;
    static final int GSO_TYPE = 1;
    static final int HDR_LEN = 2;
    static final int GSO_SIZE = 4;
    static final int CSUM_START = 6;
    static final int CSUM_OFFSET = 8;

    private ByteBuf buf;
    private int at;

    /** Views the header at {@code at}; false if fewer than {@link #LENGTH} bytes are written there. */
    public boolean wrap(ByteBuf buf, int at) {
        if (at < 0 || buf.writerIndex() - at < LENGTH) {
            return false;
        }
        this.buf = buf;
        this.at = at;
        return true;
    }

    public int flags() {
        return buf.getUnsignedByte(at + FLAGS);
    }

    public int gsoType() {
        return buf.getUnsignedByte(at + GSO_TYPE);
    }

    public int hdrLen() {
        return buf.getUnsignedShortLE(at + HDR_LEN);
    }

    public int gsoSize() {
        return buf.getUnsignedShortLE(at + GSO_SIZE);
    }

    public int csumStart() {
        return buf.getUnsignedShortLE(at + CSUM_START);
    }

    public int csumOffset() {
        return buf.getUnsignedShortLE(at + CSUM_OFFSET);
    }

    /** True if the checksum from {@link #csumStart()} must still be computed. */
    public boolean needsChecksum() {
        return (flags() & F_NEEDS_CSUM) != 0;
    }

    /** True if the frame is a super-frame to be segmented. */
    public boolean isGso() {
        return (gsoType() & ~GSO_ECN) != GSO_NONE;
    }

    /** Zeroes the header: an ordinary frame with complete checksums. */
    public VirtioNetHdr clear() {
        buf.setZero(at, LENGTH);
        return this;
    }

    public VirtioNetHdr flags(int flags) {
        buf.setByte(at + FLAGS, flags);
        return this;
    }

    public VirtioNetHdr gsoType(int gsoType) {
        buf.setByte(at + GSO_TYPE, gsoType);
        return this;
    }

    public VirtioNetHdr hdrLen(int hdrLen) {
        buf.setShortLE(at + HDR_LEN, hdrLen);
        return this;
    }

    public VirtioNetHdr gsoSize(int gsoSize) {
        buf.setShortLE(at + GSO_SIZE, gsoSize);
        return this;
    }

    public VirtioNetHdr csumStart(int csumStart) {
        buf.setShortLE(at + CSUM_START, csumStart);
        return this;
    }

    public VirtioNetHdr csumOffset(int csumOffset) {
        buf.setShortLE(at + CSUM_OFFSET, csumOffset);
        return this;
    }
}
