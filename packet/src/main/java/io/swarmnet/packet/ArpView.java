package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * ARP packet view for IPv4 over Ethernet (RFC 826), with the writers the ARP responder
 * answers with. Reusable; never allocates; never moves indices.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     hardware type = 1         |    protocol type = 0x0800     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  hlen = 6     |  plen = 4     |           opcode              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  sender hardware address (48)                 |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  sender protocol address (32) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  sender protocol address      |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                  target hardware address (48)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  target protocol address (32)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #wrap} accepts only this 28-byte Ethernet/IPv4 form; any opcode passes, the
 * caller decides which to answer.
 */
public final class ArpView {

    /** Opcode of a request (RFC 826). */
    public static final int REQUEST = 1;
    /** Opcode of a reply (RFC 826). */
    public static final int REPLY = 2;
    /** Length of an ARP packet for IPv4 over Ethernet. */
    public static final int LENGTH = 28;

    static final int HARDWARE_TYPE = 0;
    static final int PROTOCOL_TYPE = 2;
    static final int HARDWARE_LENGTH = 4;
    static final int PROTOCOL_LENGTH = 5;
    static final int OPCODE = 6;
    static final int SENDER_MAC = 8;
    static final int SENDER_IP = 14;
    static final int TARGET_MAC = 18;
    static final int TARGET_IP = 24;

    static final int ETHERNET = 1;
    /** The fixed first word: hardware type 1, protocol type 0x0800. */
    private static final int ETHERNET_IPV4 = ETHERNET << 16 | EthernetView.TYPE_IPV4;
    /** hlen 6, plen 4 as one big-endian short. */
    private static final int ADDRESS_LENGTHS = 6 << 8 | 4;

    private ByteBuf buf;
    private int at;

    /** Wraps the packet at {@code offset}, bounded by the buffer's writer index. */
    public boolean wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, buf.writerIndex() - offset);
    }

    /**
     * Wraps the packet at {@code offset} within {@code length} bytes; returns false, leaving
     * the view unwrapped, if it is shorter than 28 bytes, runs past the writer index, or is
     * not Ethernet hardware (1, hlen 6) with IPv4 protocol addresses (0x0800, plen 4).
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (offset < 0 || length < LENGTH || length > buf.writerIndex() - offset
                || buf.getInt(offset + HARDWARE_TYPE) != ETHERNET_IPV4
                || buf.getUnsignedShort(offset + HARDWARE_LENGTH) != ADDRESS_LENGTHS) {
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

    /** Returns the opcode: {@link #REQUEST}, {@link #REPLY} or another value. */
    public int opcode() {
        return buf.getUnsignedShort(at + OPCODE);
    }

    /** Returns whether this is a request. */
    public boolean isRequest() {
        return opcode() == REQUEST;
    }

    /** Returns whether this is a reply. */
    public boolean isReply() {
        return opcode() == REPLY;
    }

    /**
     * Returns whether this announces the sender's own address (sender IP equals target IP,
     * RFC 5227 §3), which a responder must not answer.
     */
    public boolean isGratuitous() {
        return senderIp() == targetIp();
    }

    /** Returns the sender hardware address in the low 48 bits. */
    public long senderMac() {
        return EthernetView.mac(buf, at + SENDER_MAC);
    }

    /** Returns the sender IPv4 address. */
    public int senderIp() {
        return buf.getInt(at + SENDER_IP);
    }

    /** Returns the target hardware address in the low 48 bits (zero in a request). */
    public long targetMac() {
        return EthernetView.mac(buf, at + TARGET_MAC);
    }

    /** Returns the target IPv4 address. */
    public int targetIp() {
        return buf.getInt(at + TARGET_IP);
    }

    /** Sets the opcode. */
    public void setOpcode(int opcode) {
        buf.setShort(at + OPCODE, opcode);
    }

    /** Sets the sender hardware address from the low 48 bits. */
    public void setSenderMac(long mac) {
        EthernetView.setMac(buf, at + SENDER_MAC, mac);
    }

    /** Sets the sender IPv4 address. */
    public void setSenderIp(int ip) {
        buf.setInt(at + SENDER_IP, ip);
    }

    /** Sets the target hardware address from the low 48 bits. */
    public void setTargetMac(long mac) {
        EthernetView.setMac(buf, at + TARGET_MAC, mac);
    }

    /** Sets the target IPv4 address. */
    public void setTargetIp(int ip) {
        buf.setInt(at + TARGET_IP, ip);
    }

    /**
     * Turns this request into its reply in place: the asked-for address (the target IP)
     * answers from {@code answerMac} to the requester. Does not check the opcode, and does
     * not touch the Ethernet header, which the caller readdresses.
     */
    public void toReply(long answerMac) {
        long requesterMac = senderMac();
        int requesterIp = senderIp();
        int answerIp = targetIp();
        write(buf, at, REPLY, answerMac, answerIp, requesterMac, requesterIp);
    }

    /**
     * Writes the reply to this request into {@code out} at {@code outOffset}, leaving this
     * packet as it is, and returns its length, 28. Writes by absolute index up to the
     * capacity of {@code out}; the caller moves its writer index.
     */
    public int writeReply(ByteBuf out, int outOffset, long answerMac) {
        return write(out, outOffset, REPLY, answerMac, targetIp(), senderMac(), senderIp());
    }

    /**
     * Writes a whole Ethernet/IPv4 ARP packet at {@code offset} and returns its length, 28.
     * Writes by absolute index up to the buffer's capacity; the caller moves the writer index.
     */
    public static int write(ByteBuf buf, int offset, int opcode,
                            long senderMac, int senderIp, long targetMac, int targetIp) {
        buf.setInt(offset + HARDWARE_TYPE, ETHERNET_IPV4);
        buf.setShort(offset + HARDWARE_LENGTH, ADDRESS_LENGTHS);
        buf.setShort(offset + OPCODE, opcode);
        EthernetView.setMac(buf, offset + SENDER_MAC, senderMac);
        buf.setInt(offset + SENDER_IP, senderIp);
        EthernetView.setMac(buf, offset + TARGET_MAC, targetMac);
        buf.setInt(offset + TARGET_IP, targetIp);
        return LENGTH;
    }
}
