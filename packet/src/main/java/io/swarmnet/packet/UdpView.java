package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * UDP header view (RFC 768). Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 * </pre>
 *
 * <p>The datagram is as long as its length field says; bytes after it are ignored, as
 * Linux trims them. A checksum field of zero means the sender computed none (RFC 768),
 * so a computed zero goes on the wire as 0xFFFF. The checksum covers the IPv4 pseudo-header
 * (RFC 768, "Fields"), whose addresses the caller passes.
 */
public final class UdpView {

    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** The checksum field value that means "no checksum". */
    public static final int NO_CHECKSUM = 0;

    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;
    static final int LENGTH = 4;
    static final int CHECKSUM = 6;

    private ByteBuf buf;
    private int at;

    /** Wraps the datagram at {@code offset}, bounded by the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the datagram at {@code offset} within {@code available} bytes (pass
     * {@link Ipv4View#payloadLength()}); returns false, leaving the view unwrapped, if there
     * are fewer than 8 bytes, or the length field is below 8 or beyond {@code available}
     * (or beyond the writer index).
     */
    public boolean wrap(ByteBuf buf, int offset, int available) {
        this.buf = null;
        if (offset < 0 || available < HEADER_LENGTH || available > buf.writerIndex() - offset) {
            return false;
        }
        int length = buf.getUnsignedShort(offset + LENGTH);
        if (length < HEADER_LENGTH || length > available) {
            return false;
        }
        this.buf = buf;
        this.at = offset;
        return true;
    }

    /** Returns the offset the view was wrapped at. */
    public int offset() {
        return at;
    }

    /** Returns the source port. */
    public int srcPort() {
        return buf.getUnsignedShort(at + SRC_PORT);
    }

    /** Returns the destination port. */
    public int dstPort() {
        return buf.getUnsignedShort(at + DST_PORT);
    }

    /** Returns the length field: header plus data. */
    public int length() {
        return buf.getUnsignedShort(at + LENGTH);
    }

    /** Returns the checksum field; {@link #NO_CHECKSUM} if the sender computed none. */
    public int checksum() {
        return buf.getUnsignedShort(at + CHECKSUM);
    }

    /** Returns whether the sender computed a checksum. */
    public boolean hasChecksum() {
        return checksum() != NO_CHECKSUM;
    }

    /** Returns the absolute offset of the data. */
    public int payloadOffset() {
        return at + HEADER_LENGTH;
    }

    /** Returns the data length: the length field minus 8. */
    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /**
     * Returns whether the checksum is right for a datagram from {@code srcIp} to
     * {@code dstIp}; true when there is no checksum, since there is nothing to check.
     */
    public boolean isChecksumValid(int srcIp, int dstIp) {
        if (!hasChecksum()) {
            return true;
        }
        int length = length();
        int pseudo = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4View.PROTOCOL_UDP, length);
        return Checksums.sum(buf, at, length, pseudo) == 0xFFFF;
    }

    /**
     * Returns the checksum a datagram from {@code srcIp} to {@code dstIp} should carry,
     * ignoring the field's current value; never {@link #NO_CHECKSUM} (a computed zero is 0xFFFF).
     */
    public int computeChecksum(int srcIp, int dstIp) {
        int length = length();
        int sum = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4View.PROTOCOL_UDP, length);
        sum = Checksums.sum(buf, at, CHECKSUM, sum);
        return nonZero(~Checksums.sum(buf, at + HEADER_LENGTH, length - HEADER_LENGTH, sum) & 0xFFFF);
    }

    /** Computes the checksum for a datagram from {@code srcIp} to {@code dstIp} and writes it. */
    public void fillChecksum(int srcIp, int dstIp) {
        setChecksum(computeChecksum(srcIp, dstIp));
    }

    /**
     * Updates the checksum for a port changed from {@code oldValue} (RFC 1624); leaves
     * a datagram without checksum without one.
     */
    public void adjustChecksum16(int oldValue, int newValue) {
        if (hasChecksum()) {
            setChecksum(nonZero(Checksums.adjust16(checksum(), oldValue, newValue)));
        }
    }

    /**
     * Updates the checksum for a pseudo-header address changed from {@code oldValue}
     * (RFC 1624); leaves a datagram without checksum without one.
     */
    public void adjustChecksum32(int oldValue, int newValue) {
        if (hasChecksum()) {
            setChecksum(nonZero(Checksums.adjust32(checksum(), oldValue, newValue)));
        }
    }

    /** Sets the source port; the checksum is the caller's (see {@link #adjustChecksum16}). */
    public void setSrcPort(int port) {
        buf.setShort(at + SRC_PORT, port);
    }

    /** Sets the destination port; the checksum is the caller's (see {@link #adjustChecksum16}). */
    public void setDstPort(int port) {
        buf.setShort(at + DST_PORT, port);
    }

    /** Sets the length field. */
    public void setLength(int length) {
        buf.setShort(at + LENGTH, length);
    }

    /** Sets the checksum field; {@link #NO_CHECKSUM} for none. */
    public void setChecksum(int checksum) {
        buf.setShort(at + CHECKSUM, checksum);
    }

    /**
     * Writes an 8-byte header with no checksum (as RFC 7348 §5 advises for VXLAN's outer
     * UDP) at {@code offset} and returns its length, 8. Writes by absolute index up to the
     * buffer's capacity; the caller moves the writer index.
     */
    public static int write(ByteBuf buf, int offset, int srcPort, int dstPort, int length) {
        buf.setShort(offset + SRC_PORT, srcPort);
        buf.setShort(offset + DST_PORT, dstPort);
        buf.setShort(offset + LENGTH, length);
        buf.setShort(offset + CHECKSUM, NO_CHECKSUM);
        return HEADER_LENGTH;
    }

    private static int nonZero(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }
}
