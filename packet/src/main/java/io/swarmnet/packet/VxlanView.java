package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * VXLAN header view (RFC 7348 §5), the 8 bytes between the outer UDP header and the inner
 * Ethernet frame. Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} requires the I flag (the VNI is valid) and, as §5 says, ignores the
 * reserved bits on receipt; they are readable for a caller that wants to be stricter.
 * {@link #write} sets them to zero, as §5 requires on transmission.
 */
public final class VxlanView {

    /** The I flag: the VNI is valid. */
    public static final int FLAG_I = 0x08;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** UDP port assigned by IANA (RFC 7348 §5). */
    public static final int PORT = 4789;
    /** Largest VNI: 24 bits. */
    public static final int MAX_VNI = 0xFFFFFF;

    static final int FLAGS = 0;
    static final int RESERVED1 = 1;
    static final int VNI = 4;
    static final int RESERVED2 = 7;

    private ByteBuf buf;
    private int at;
    private int length;

    /** Wraps the header at {@code offset}, the inner frame running to the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the header at {@code offset} of a {@code length}-byte VXLAN payload (pass
     * {@link UdpView#payloadLength()}); returns false, leaving the view unwrapped, if it is
     * shorter than 8 bytes, runs past the writer index, or lacks the I flag.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < HEADER_LENGTH || length > buf.writerIndex() - offset
                || (buf.getUnsignedByte(offset + FLAGS) & FLAG_I) == 0) {
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

    /** Returns the flags byte. */
    public int flags() {
        return buf.getUnsignedByte(at + FLAGS);
    }

    /** Returns the 24 reserved bits after the flags. */
    public int reserved1() {
        return buf.getUnsignedMedium(at + RESERVED1);
    }

    /** Returns the 24-bit VNI. */
    public int vni() {
        return buf.getInt(at + VNI) >>> 8;
    }

    /** Returns the 8 reserved bits after the VNI. */
    public int reserved2() {
        return buf.getUnsignedByte(at + RESERVED2);
    }

    /** Returns the absolute offset of the inner Ethernet frame. */
    public int payloadOffset() {
        return at + HEADER_LENGTH;
    }

    /** Returns the length of the inner Ethernet frame. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Sets the VNI (low 24 bits of {@code vni}), keeping the reserved byte after it. */
    public void setVni(int vni) {
        buf.setMedium(at + VNI, vni);
    }

    /**
     * Writes the 8-byte header for {@code vni} (low 24 bits) at {@code offset}: I flag set,
     * reserved fields zero. Returns 8. Writes by absolute index up to the buffer's capacity;
     * the caller moves the writer index.
     */
    public static int write(ByteBuf buf, int offset, int vni) {
        buf.setInt(offset + FLAGS, FLAG_I << 24);
        buf.setInt(offset + VNI, vni << 8);
        return HEADER_LENGTH;
    }
}
