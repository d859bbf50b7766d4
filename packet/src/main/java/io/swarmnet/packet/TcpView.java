package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * TCP header view (RFC 9293 §3.1, formerly RFC 793). Reusable; never allocates; never
 * moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (data offset > 5)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>TCP has no length field: the segment runs to the end of the IPv4 payload, and the
 * checksum covers the IPv4 pseudo-header with that length. WARNING: wrap with
 * {@link Ipv4View#payloadLength()}; wrapping to the writer index takes Ethernet padding
 * into the segment and every checksum comes out wrong. Sequence numbers are raw 32-bit
 * values; compare them modulo 2^32 ({@code a - b < 0}), never with {@code <}.
 */
public final class TcpView {

    /** FIN flag bit, in {@link #flags()}. */
    public static final int FIN = 0x01;
    /** SYN flag bit, in {@link #flags()}. */
    public static final int SYN = 0x02;
    /** RST flag bit, in {@link #flags()}. */
    public static final int RST = 0x04;
    /** PSH flag bit, in {@link #flags()}. */
    public static final int PSH = 0x08;
    /** ACK flag bit, in {@link #flags()}. */
    public static final int ACK = 0x10;
    /** URG flag bit, in {@link #flags()}. */
    public static final int URG = 0x20;
    /** ECE flag bit (RFC 3168), in {@link #flags()}. */
    public static final int ECE = 0x40;
    /** CWR flag bit (RFC 3168), in {@link #flags()}. */
    public static final int CWR = 0x80;

    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;

    static final int SRC_PORT = 0;
    static final int DST_PORT = 2;
    static final int SEQUENCE = 4;
    static final int ACKNOWLEDGMENT = 8;
    static final int DATA_OFFSET = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT_POINTER = 18;

    private ByteBuf buf;
    private int at;
    private int length;

    /** Wraps the segment at {@code offset} that runs to the buffer's writer index; see the class WARNING. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the {@code length}-byte segment at {@code offset}; returns false, leaving the
     * view unwrapped, if it is shorter than 20 bytes or runs past the writer index, or the
     * data offset is below 5 or puts the header beyond {@code length}.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < MIN_HEADER_LENGTH || length > buf.writerIndex() - offset) {
            return false;
        }
        int headerLength = (buf.getUnsignedByte(offset + DATA_OFFSET) >>> 4) << 2;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return false;
        }
        this.buf = buf;
        this.at = offset;
        this.length = length;
        return true;
    }

    /** Returns the offset the view was wrapped at. */
    public int offset() {
        return at;
    }

    /** Returns the segment length the view was wrapped with: header plus data. */
    public int length() {
        return length;
    }

    /** Returns the source port. */
    public int srcPort() {
        return buf.getUnsignedShort(at + SRC_PORT);
    }

    /** Returns the destination port. */
    public int dstPort() {
        return buf.getUnsignedShort(at + DST_PORT);
    }

    /** Returns the sequence number, a raw 32-bit value. */
    public int sequence() {
        return buf.getInt(at + SEQUENCE);
    }

    /** Returns the acknowledgment number, a raw 32-bit value. */
    public int acknowledgment() {
        return buf.getInt(at + ACKNOWLEDGMENT);
    }

    /** Returns the header length in bytes (data offset times 4): 20 to 60. */
    public int headerLength() {
        return (buf.getUnsignedByte(at + DATA_OFFSET) >>> 4) << 2;
    }

    /** Returns the eight flag bits; test them with {@link #SYN}, {@link #ACK} and the others. */
    public int flags() {
        return buf.getUnsignedByte(at + FLAGS);
    }

    /** Returns whether every flag in {@code mask} is set. */
    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    /** Returns the receive window, unscaled. */
    public int window() {
        return buf.getUnsignedShort(at + WINDOW);
    }

    /** Returns the checksum field. */
    public int checksum() {
        return buf.getUnsignedShort(at + CHECKSUM);
    }

    /** Returns the urgent pointer. */
    public int urgentPointer() {
        return buf.getUnsignedShort(at + URGENT_POINTER);
    }

    /** Returns the absolute offset of the data (after the options). */
    public int payloadOffset() {
        return at + headerLength();
    }

    /** Returns the data length: the segment length minus the header length. */
    public int payloadLength() {
        return length - headerLength();
    }

    /** Returns whether the checksum is right for a segment from {@code srcIp} to {@code dstIp}. */
    public boolean isChecksumValid(int srcIp, int dstIp) {
        int pseudo = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4View.PROTOCOL_TCP, length);
        return Checksums.sum(buf, at, length, pseudo) == 0xFFFF;
    }

    /**
     * Returns the checksum a segment from {@code srcIp} to {@code dstIp} should carry,
     * ignoring the field's current value.
     */
    public int computeChecksum(int srcIp, int dstIp) {
        int sum = Checksums.pseudoHeaderSum(srcIp, dstIp, Ipv4View.PROTOCOL_TCP, length);
        sum = Checksums.sum(buf, at, CHECKSUM, sum);
        return ~Checksums.sum(buf, at + URGENT_POINTER, length - URGENT_POINTER, sum) & 0xFFFF;
    }

    /** Computes the checksum for a segment from {@code srcIp} to {@code dstIp} and writes it. */
    public void fillChecksum(int srcIp, int dstIp) {
        setChecksum(computeChecksum(srcIp, dstIp));
    }

    /** Updates the checksum for a port changed from {@code oldValue} (RFC 1624). */
    public void adjustChecksum16(int oldValue, int newValue) {
        setChecksum(Checksums.adjust16(checksum(), oldValue, newValue));
    }

    /** Updates the checksum for a pseudo-header address (or sequence number) changed from {@code oldValue} (RFC 1624). */
    public void adjustChecksum32(int oldValue, int newValue) {
        setChecksum(Checksums.adjust32(checksum(), oldValue, newValue));
    }

    /** Sets the source port; the checksum is the caller's (see {@link #adjustChecksum16}). */
    public void setSrcPort(int port) {
        buf.setShort(at + SRC_PORT, port);
    }

    /** Sets the destination port; the checksum is the caller's (see {@link #adjustChecksum16}). */
    public void setDstPort(int port) {
        buf.setShort(at + DST_PORT, port);
    }

    /** Sets the sequence number; the checksum is the caller's. */
    public void setSequence(int sequence) {
        buf.setInt(at + SEQUENCE, sequence);
    }

    /** Sets the acknowledgment number; the checksum is the caller's. */
    public void setAcknowledgment(int acknowledgment) {
        buf.setInt(at + ACKNOWLEDGMENT, acknowledgment);
    }

    /** Sets the eight flag bits; the checksum is the caller's. */
    public void setFlags(int flags) {
        buf.setByte(at + FLAGS, flags);
    }

    /** Sets the receive window; the checksum is the caller's. */
    public void setWindow(int window) {
        buf.setShort(at + WINDOW, window);
    }

    /** Sets the checksum field. */
    public void setChecksum(int checksum) {
        buf.setShort(at + CHECKSUM, checksum);
    }
}
