package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * Ethernet II header view (IEEE 802.3 clause 3, the DIX framing of RFC 894), aware of one
 * IEEE 802.1Q tag. Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    destination MAC (48)                       |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                       source MAC (48)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType, or TPID 0x8100   |  802.1Q only: PCP|DEI|VID    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  802.1Q only: inner EtherType |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>One 802.1Q tag (TPID 0x8100) is looked through: {@link #etherType()} and
 * {@link #payloadOffset()} describe what follows the tag. A second tag and 802.1ad
 * (TPID 0x88A8) are not parsed; they show as {@code etherType()} 0x8100 or 0x88A8, which
 * callers treat as an unsupported EtherType. Values below 0x0600 are 802.3 lengths, passed
 * through as they are. The view does not check the frame check sequence (the NIC, TAP or
 * veth has already stripped it).
 */
public final class EthernetView {

    /** EtherType of IPv4 (RFC 894). */
    public static final int TYPE_IPV4 = 0x0800;
    /** EtherType of ARP (RFC 826). */
    public static final int TYPE_ARP = 0x0806;
    /** Tag protocol identifier of an IEEE 802.1Q VLAN tag. */
    public static final int TYPE_VLAN = 0x8100;
    /** EtherType of IPv6 (RFC 2464). */
    public static final int TYPE_IPV6 = 0x86DD;

    /** Length of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Length of a header with one 802.1Q tag. */
    public static final int VLAN_HEADER_LENGTH = 18;

    static final int DST = 0;
    static final int SRC = 6;
    static final int ETHER_TYPE = 12;
    static final int VLAN_TCI = 14;
    static final int VLAN_ETHER_TYPE = 16;

    private ByteBuf buf;
    private int at;
    private int length;
    private boolean tagged;

    /** Wraps the frame at {@code offset} that runs to the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the {@code length}-byte frame at {@code offset}; returns false, leaving the view
     * unwrapped, if it is shorter than its header or runs past the writer index.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < HEADER_LENGTH || length > buf.writerIndex() - offset) {
            return false;
        }
        boolean tag = buf.getUnsignedShort(offset + ETHER_TYPE) == TYPE_VLAN;
        if (tag && length < VLAN_HEADER_LENGTH) {
            return false;
        }
        this.buf = buf;
        this.at = offset;
        this.length = length;
        this.tagged = tag;
        return true;
    }

    /** Returns the offset the view was wrapped at. */
    public int offset() {
        return at;
    }

    /** Returns the frame length the view was wrapped with. */
    public int length() {
        return length;
    }

    /** Returns the destination MAC in the low 48 bits. */
    public long dst() {
        return mac(buf, at + DST);
    }

    /** Returns the source MAC in the low 48 bits. */
    public long src() {
        return mac(buf, at + SRC);
    }

    /** Returns whether the frame goes to a group address (I/G bit), broadcast included. */
    public boolean isMulticast() {
        return (buf.getUnsignedByte(at + DST) & 0x01) != 0;
    }

    /** Returns the EtherType of the payload, looking through one 802.1Q tag. */
    public int etherType() {
        return buf.getUnsignedShort(at + (tagged ? VLAN_ETHER_TYPE : ETHER_TYPE));
    }

    /** Returns whether the frame carries an 802.1Q tag. */
    public boolean hasVlanTag() {
        return tagged;
    }

    /** Returns the 12-bit VLAN id of the 802.1Q tag, or 0 if the frame is untagged. */
    public int vlanId() {
        return tagged ? buf.getUnsignedShort(at + VLAN_TCI) & 0x0FFF : 0;
    }

    /** Returns the header length: 14, or 18 with an 802.1Q tag. */
    public int headerLength() {
        return tagged ? VLAN_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** Returns the absolute offset of the payload. */
    public int payloadOffset() {
        return at + headerLength();
    }

    /** Returns the payload length, Ethernet padding included. */
    public int payloadLength() {
        return length - headerLength();
    }

    /** Sets the destination MAC from the low 48 bits. */
    public void setDst(long mac) {
        setMac(buf, at + DST, mac);
    }

    /** Sets the source MAC from the low 48 bits. */
    public void setSrc(long mac) {
        setMac(buf, at + SRC, mac);
    }

    /** Sets the EtherType of the payload (behind the 802.1Q tag, if there is one). */
    public void setEtherType(int etherType) {
        buf.setShort(at + (tagged ? VLAN_ETHER_TYPE : ETHER_TYPE), etherType);
    }

    /**
     * Writes an untagged header at {@code offset} and returns its length, 14. Writes by
     * absolute index up to the buffer's capacity; the caller moves the writer index.
     */
    public static int write(ByteBuf buf, int offset, long dst, long src, int etherType) {
        setMac(buf, offset + DST, dst);
        setMac(buf, offset + SRC, src);
        buf.setShort(offset + ETHER_TYPE, etherType);
        return HEADER_LENGTH;
    }

    static long mac(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    static void setMac(ByteBuf buf, int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }
}
