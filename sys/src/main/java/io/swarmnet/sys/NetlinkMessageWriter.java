package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;

/**
 * Builds one netlink request (see {@link Netlink} for the layout) at the start of a buffer.
 * Reusable: {@link #begin} starts over. Writes with absolute setters and never moves the
 * buffer's indices; {@link #end()} returns the length to send.
 */
final class NetlinkMessageWriter {
    /** {@code struct ifinfomsg} from {@code linux/rtnetlink.h}. */
    static final int IFINFOMSG_SIZE = 16;
    /** {@code struct ifaddrmsg} from {@code linux/if_addr.h}. */
    static final int IFADDRMSG_SIZE = 8;
    /** {@code struct rtmsg} from {@code linux/rtnetlink.h}. */
    static final int RTMSG_SIZE = 12;

    private ByteBuf buf;
    private int limit;

    NetlinkMessageWriter wrap(ByteBuf buf) {
        this.buf = buf;
        this.limit = 0;
        return this;
    }

    /** Starts a message with its header; the length is filled in by {@link #end()}. */
    NetlinkMessageWriter begin(int type, int flags, int seq) {
        limit = 0;
        int at = reserve(Netlink.NLMSG_HDRLEN);
        Buffers.setHostShort(buf, at + Netlink.NLMSG_TYPE, type);
        Buffers.setHostShort(buf, at + Netlink.NLMSG_FLAGS, flags);
        Buffers.setHostInt(buf, at + Netlink.NLMSG_SEQ, seq);
        return this;
    }

    /** Completes the message and returns its length in bytes. */
    int end() {
        Buffers.setHostInt(buf, Netlink.NLMSG_LEN, limit);
        return limit;
    }

    int length() {
        return limit;
    }

    /** Appends {@code struct ifinfomsg}: family, device type, index, flags and the flags to change. */
    NetlinkMessageWriter ifinfomsg(int family, int index, int flags, int change) {
        int at = reserve(IFINFOMSG_SIZE);
        buf.setByte(at, family);
        Buffers.setHostInt(buf, at + 4, index);
        Buffers.setHostInt(buf, at + 8, flags);
        Buffers.setHostInt(buf, at + 12, change);
        return this;
    }

    /** Appends {@code struct ifaddrmsg}. */
    NetlinkMessageWriter ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        int at = reserve(IFADDRMSG_SIZE);
        buf.setByte(at, family);
        buf.setByte(at + 1, prefixLength);
        buf.setByte(at + 2, flags);
        buf.setByte(at + 3, scope);
        Buffers.setHostInt(buf, at + 4, index);
        return this;
    }

    /** Appends {@code struct rtmsg}; source length and TOS are left 0. */
    NetlinkMessageWriter rtmsg(int family, int dstLength, int table, int protocol, int scope, int type,
                               int flags) {
        int at = reserve(RTMSG_SIZE);
        buf.setByte(at, family);
        buf.setByte(at + 1, dstLength);
        buf.setByte(at + 4, table);
        buf.setByte(at + 5, protocol);
        buf.setByte(at + 6, scope);
        buf.setByte(at + 7, type);
        Buffers.setHostInt(buf, at + 8, flags);
        return this;
    }

    /** Appends an 8-bit attribute, e.g. a bridge port flag. */
    NetlinkMessageWriter attrByte(int type, int value) {
        buf.setByte(attr(type, 1), value);
        return this;
    }

    /** Appends a 32-bit attribute in host order. */
    NetlinkMessageWriter attrInt(int type, int value) {
        int at = attr(type, 4);
        Buffers.setHostInt(buf, at, value);
        return this;
    }

    /** Appends an IPv4 address attribute, in network order as the kernel expects it. */
    NetlinkMessageWriter attrIpv4(int type, int address) {
        buf.setInt(attr(type, 4), address);
        return this;
    }

    /** Appends a 48-bit MAC address attribute. */
    NetlinkMessageWriter attrMac(int type, long mac) {
        int at = attr(type, 6);
        buf.setInt(at, (int) (mac >>> 16));
        buf.setShort(at + 4, (int) mac);
        return this;
    }

    /** Appends a NUL-terminated string attribute, as {@code IFLA_IFNAME} wants. */
    NetlinkMessageWriter attrString(int type, byte[] value) {
        int at = attr(type, value.length + 1);
        buf.setBytes(at, value);
        buf.setByte(at + value.length, 0);
        return this;
    }

    /** Appends raw bytes, e.g. {@code IFLA_INFO_KIND}, which iproute2 sends without NUL. */
    NetlinkMessageWriter attrBytes(int type, byte[] value) {
        buf.setBytes(attr(type, value.length), value);
        return this;
    }

    /** Opens a nested attribute and returns its offset for {@link #endNested}. */
    int beginNested(int type) {
        return attr(type, 0) - Netlink.NLA_HDRLEN;
    }

    /** Closes the nested attribute opened at {@code at}. */
    NetlinkMessageWriter endNested(int at) {
        Buffers.setHostShort(buf, at, limit - at);
        return this;
    }

    private int attr(int type, int valueLength) {
        int at = reserve(Netlink.NLA_HDRLEN + valueLength);
        Buffers.setHostShort(buf, at, Netlink.NLA_HDRLEN + valueLength);
        Buffers.setHostShort(buf, at + 2, type);
        return at + Netlink.NLA_HDRLEN;
    }

    /** Claims {@code length} zeroed bytes, padded to the alignment, and returns their offset. */
    private int reserve(int length) {
        int at = limit;
        int next = at + Netlink.align(length);
        if (next > buf.capacity()) {
            throw new IllegalStateException("netlink request exceeds " + buf.capacity() + " bytes");
        }
        buf.setZero(at, next - at);
        limit = next;
        return at;
    }
}
