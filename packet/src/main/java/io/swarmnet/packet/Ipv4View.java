package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * IPv4 header view (RFC 791 §3.1). Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} checks the structure (version, IHL, total length against the bytes
 * there are) but not the header checksum, which {@link #isChecksumValid()} checks on
 * demand. Bytes after the total length (Ethernet padding) are not part of the packet.
 * Addresses are {@code int}s in network order: 10.0.0.5 is {@code 0x0A000005}.
 */
public final class Ipv4View {

    /** Protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** Protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** Protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;

    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;

    /** Don't Fragment, in the 16-bit flags and fragment offset word. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments, in the 16-bit flags and fragment offset word. */
    public static final int FLAG_MF = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    static final int VERSION_IHL = 0;
    static final int TOS = 1;
    static final int TOTAL_LENGTH = 2;
    static final int IDENTIFICATION = 4;
    static final int FLAGS_FRAGMENT = 6;
    static final int TTL = 8;
    static final int PROTOCOL = 9;
    static final int CHECKSUM = 10;
    static final int SRC = 12;
    static final int DST = 16;

    private ByteBuf buf;
    private int at;

    /** Wraps the packet at {@code offset}, bounded by the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the packet at {@code offset} within {@code length} bytes; returns false, leaving
     * the view unwrapped, if there are fewer than 20 bytes, the version is not 4, the IHL is
     * below 5 or the header runs past {@code length}, or the total length is shorter than the
     * header or longer than {@code length} (or than the bytes up to the writer index).
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < MIN_HEADER_LENGTH || length > buf.writerIndex() - offset) {
            return false;
        }
        int versionIhl = buf.getUnsignedByte(offset + VERSION_IHL);
        int headerLength = (versionIhl & 0x0F) << 2;
        int totalLength = buf.getUnsignedShort(offset + TOTAL_LENGTH);
        if ((versionIhl >>> 4) != 4 || headerLength < MIN_HEADER_LENGTH
                || totalLength < headerLength || totalLength > length) {
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

    /** Returns the header length in bytes (IHL times 4): 20 to 60. */
    public int headerLength() {
        return (buf.getUnsignedByte(at + VERSION_IHL) & 0x0F) << 2;
    }

    /** Returns the type-of-service byte: DSCP in the high six bits, ECN in the low two. */
    public int tos() {
        return buf.getUnsignedByte(at + TOS);
    }

    /** Returns the total length of the packet, header included. */
    public int totalLength() {
        return buf.getUnsignedShort(at + TOTAL_LENGTH);
    }

    /** Returns the identification field. */
    public int identification() {
        return buf.getUnsignedShort(at + IDENTIFICATION);
    }

    /** Returns the 16-bit flags and fragment offset word; test it with {@link #FLAG_DF}, {@link #FLAG_MF}. */
    public int flagsAndFragmentOffset() {
        return buf.getUnsignedShort(at + FLAGS_FRAGMENT);
    }

    /** Returns whether Don't Fragment is set. */
    public boolean dontFragment() {
        return (flagsAndFragmentOffset() & FLAG_DF) != 0;
    }

    /** Returns whether More Fragments is set. */
    public boolean moreFragments() {
        return (flagsAndFragmentOffset() & FLAG_MF) != 0;
    }

    /** Returns the fragment offset in units of 8 bytes, as on the wire. */
    public int fragmentOffset() {
        return flagsAndFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    /**
     * Returns whether this packet is a fragment (MF set or a non-zero offset): its
     * transport header is incomplete or absent, so ports must not be read from it.
     */
    public boolean isFragment() {
        return (flagsAndFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** Returns the time to live. */
    public int ttl() {
        return buf.getUnsignedByte(at + TTL);
    }

    /** Returns the protocol number of the payload. */
    public int protocol() {
        return buf.getUnsignedByte(at + PROTOCOL);
    }

    /** Returns the header checksum field. */
    public int checksum() {
        return buf.getUnsignedShort(at + CHECKSUM);
    }

    /** Returns the source address. */
    public int src() {
        return buf.getInt(at + SRC);
    }

    /** Returns the destination address. */
    public int dst() {
        return buf.getInt(at + DST);
    }

    /** Returns the absolute offset of the payload (after the options). */
    public int payloadOffset() {
        return at + headerLength();
    }

    /** Returns the payload length: total length minus header length. */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    /** Returns whether the header checksum is right (RFC 1071: the header sums to 0xFFFF). */
    public boolean isChecksumValid() {
        return Checksums.sum(buf, at, headerLength()) == 0xFFFF;
    }

    /** Returns the header checksum the header should carry, ignoring the field's current value. */
    public int computeChecksum() {
        int sum = Checksums.sum(buf, at, CHECKSUM);
        return ~Checksums.sum(buf, at + SRC, headerLength() - SRC, sum) & 0xFFFF;
    }

    /** Recomputes the header checksum and writes it. */
    public void fillChecksum() {
        setChecksum(computeChecksum());
    }

    /** Updates the header checksum for a 16-bit header word changed from {@code oldValue} (RFC 1624). */
    public void adjustChecksum16(int oldValue, int newValue) {
        setChecksum(Checksums.adjust16(checksum(), oldValue, newValue));
    }

    /** Updates the header checksum for an address changed from {@code oldValue} (RFC 1624). */
    public void adjustChecksum32(int oldValue, int newValue) {
        setChecksum(Checksums.adjust32(checksum(), oldValue, newValue));
    }

    /** Sets the type-of-service byte. */
    public void setTos(int tos) {
        buf.setByte(at + TOS, tos);
    }

    /** Sets the total length. */
    public void setTotalLength(int totalLength) {
        buf.setShort(at + TOTAL_LENGTH, totalLength);
    }

    /** Sets the identification field. */
    public void setIdentification(int identification) {
        buf.setShort(at + IDENTIFICATION, identification);
    }

    /** Sets the 16-bit flags and fragment offset word. */
    public void setFlagsAndFragmentOffset(int flagsAndFragmentOffset) {
        buf.setShort(at + FLAGS_FRAGMENT, flagsAndFragmentOffset);
    }

    /** Sets the time to live. */
    public void setTtl(int ttl) {
        buf.setByte(at + TTL, ttl);
    }

    /** Sets the protocol number. */
    public void setProtocol(int protocol) {
        buf.setByte(at + PROTOCOL, protocol);
    }

    /** Sets the header checksum field. */
    public void setChecksum(int checksum) {
        buf.setShort(at + CHECKSUM, checksum);
    }

    /** Sets the source address; the checksums are the caller's (see {@link #adjustChecksum32}). */
    public void setSrc(int src) {
        buf.setInt(at + SRC, src);
    }

    /** Sets the destination address; the checksums are the caller's (see {@link #adjustChecksum32}). */
    public void setDst(int dst) {
        buf.setInt(at + DST, dst);
    }

    /**
     * Writes a 20-byte header (no options, TOS 0, no flags, fragment offset 0) with its
     * checksum at {@code offset} and returns its length, 20. Writes by absolute index up
     * to the buffer's capacity; the caller moves the writer index.
     */
    public static int write(ByteBuf buf, int offset, int totalLength, int identification,
                            int ttl, int protocol, int src, int dst) {
        buf.setShort(offset + VERSION_IHL, 0x45 << 8);
        buf.setShort(offset + TOTAL_LENGTH, totalLength);
        buf.setShort(offset + IDENTIFICATION, identification);
        buf.setShort(offset + FLAGS_FRAGMENT, 0);
        buf.setByte(offset + TTL, ttl);
        buf.setByte(offset + PROTOCOL, protocol);
        buf.setShort(offset + CHECKSUM, 0);
        buf.setInt(offset + SRC, src);
        buf.setInt(offset + DST, dst);
        buf.setShort(offset + CHECKSUM, Checksums.checksum(buf, offset, MIN_HEADER_LENGTH));
        return MIN_HEADER_LENGTH;
    }
}
