package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * ICMP message view (RFC 792), with the identifier and sequence number of echo request
 * and echo reply. Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Identifier          |        Sequence Number        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-
 * </pre>
 *
 * <p>Any type wraps: every ICMP message has this 8-byte header, but identifier and
 * sequence number mean something only for echo (types 0 and 8). The checksum covers the
 * whole message, which runs to the end of the IPv4 payload: wrap with
 * {@link Ipv4View#payloadLength()}, not to the writer index, or Ethernet padding joins it.
 */
public final class IcmpView {

    /** Type of an echo reply. */
    public static final int ECHO_REPLY = 0;
    /** Type of an echo request. */
    public static final int ECHO_REQUEST = 8;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;

    private ByteBuf buf;
    private int at;
    private int length;

    /** Wraps the message at {@code offset} that runs to the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the {@code length}-byte message at {@code offset}; returns false, leaving the view
     * unwrapped, if it is shorter than 8 bytes or runs past the writer index.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < HEADER_LENGTH || length > buf.writerIndex() - offset) {
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

    /** Returns the message length the view was wrapped with. */
    public int length() {
        return length;
    }

    /** Returns the type. */
    public int type() {
        return buf.getUnsignedByte(at + TYPE);
    }

    /** Returns the code. */
    public int code() {
        return buf.getUnsignedByte(at + CODE);
    }

    /** Returns the checksum field. */
    public int checksum() {
        return buf.getUnsignedShort(at + CHECKSUM);
    }

    /** Returns the echo identifier. */
    public int identifier() {
        return buf.getUnsignedShort(at + IDENTIFIER);
    }

    /** Returns the echo sequence number. */
    public int sequence() {
        return buf.getUnsignedShort(at + SEQUENCE);
    }

    /** Returns whether this is an echo request (type 8, code 0). */
    public boolean isEchoRequest() {
        return buf.getUnsignedShort(at + TYPE) == ECHO_REQUEST << 8;
    }

    /** Returns whether this is an echo reply (type 0, code 0). */
    public boolean isEchoReply() {
        return buf.getUnsignedShort(at + TYPE) == ECHO_REPLY << 8;
    }

    /** Returns whether the checksum over the whole message is right. */
    public boolean isChecksumValid() {
        return Checksums.sum(buf, at, length) == 0xFFFF;
    }

    /** Returns the checksum the message should carry, ignoring the field's current value. */
    public int computeChecksum() {
        int sum = Checksums.sum(buf, at, CHECKSUM);
        return ~Checksums.sum(buf, at + IDENTIFIER, length - IDENTIFIER, sum) & 0xFFFF;
    }

    /** Recomputes the checksum and writes it. */
    public void fillChecksum() {
        setChecksum(computeChecksum());
    }

    /** Updates the checksum for a 16-bit word (e.g. the identifier) changed from {@code oldValue} (RFC 1624). */
    public void adjustChecksum16(int oldValue, int newValue) {
        setChecksum(Checksums.adjust16(checksum(), oldValue, newValue));
    }

    /**
     * Turns this echo request into its reply in place: type 0, checksum updated
     * incrementally; identifier, sequence number and data stay. The caller swaps the IPv4
     * addresses and the MACs.
     */
    public void toEchoReply() {
        int oldTypeCode = buf.getUnsignedShort(at + TYPE);
        buf.setByte(at + TYPE, ECHO_REPLY);
        adjustChecksum16(oldTypeCode, buf.getUnsignedShort(at + TYPE));
    }

    /** Sets the type; the checksum is the caller's. */
    public void setType(int type) {
        buf.setByte(at + TYPE, type);
    }

    /** Sets the code; the checksum is the caller's. */
    public void setCode(int code) {
        buf.setByte(at + CODE, code);
    }

    /** Sets the checksum field. */
    public void setChecksum(int checksum) {
        buf.setShort(at + CHECKSUM, checksum);
    }

    /** Sets the echo identifier; the checksum is the caller's (see {@link #adjustChecksum16}). */
    public void setIdentifier(int identifier) {
        buf.setShort(at + IDENTIFIER, identifier);
    }

    /** Sets the echo sequence number; the checksum is the caller's. */
    public void setSequence(int sequence) {
        buf.setShort(at + SEQUENCE, sequence);
    }
}
