package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;

/**
 * Netlink message framing from {@code linux/netlink.h}: the header, flags and attribute
 * (TLV) layout every netlink family shares, and absolute readers for received messages.
 *
 * <pre>
 * nlmsghdr:  0          4        6        8       12       16
 *           +----------+--------+--------+-------+--------+----------------------+
 *           | len      | type   | flags  | seq   | pid    | family header, attrs |
 *           +----------+--------+--------+-------+--------+----------------------+
 * nlattr:    0        2        4
 *           +--------+--------+------------------+-- padding to 4 bytes
 *           | len    | type   | value            |
 *           +--------+--------+------------------+
 * </pre>
 * Fields are in host byte order, messages and attributes are aligned to 4 bytes, and
 * {@code len} counts the header but not the padding.
 */
final class Netlink {
    static final int AF_NETLINK = 16;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;

    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_LEN = 0;
    static final int NLMSG_TYPE = 4;
    static final int NLMSG_FLAGS = 6;
    static final int NLMSG_SEQ = 8;
    static final int NLMSG_PID = 12;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** In an error message: the request is not echoed back ({@code NETLINK_CAP_ACK}). */
    static final int NLM_F_CAPPED = 0x100;
    /** In an error message: extended ACK attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;

    static final int NLMSGERR_ATTR_MSG = 1;

    static final int NLA_HDRLEN = 4;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLA_TYPE_MASK = 0x3fff;

    private Netlink() {
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    static int messageLength(ByteBuf buf, int msg) {
        return Buffers.getHostInt(buf, msg + NLMSG_LEN);
    }

    static int messageType(ByteBuf buf, int msg) {
        return Buffers.getHostUnsignedShort(buf, msg + NLMSG_TYPE);
    }

    static int messageFlags(ByteBuf buf, int msg) {
        return Buffers.getHostUnsignedShort(buf, msg + NLMSG_FLAGS);
    }

    static int messageSeq(ByteBuf buf, int msg) {
        return Buffers.getHostInt(buf, msg + NLMSG_SEQ);
    }

    static int attrLength(ByteBuf buf, int attr) {
        return Buffers.getHostUnsignedShort(buf, attr);
    }

    static int attrType(ByteBuf buf, int attr) {
        return Buffers.getHostUnsignedShort(buf, attr + 2) & NLA_TYPE_MASK;
    }

    /**
     * The offset of the first attribute of {@code type} among the attributes in
     * {@code [from, to)}, or -1; a malformed attribute ends the search.
     */
    static int findAttr(ByteBuf buf, int from, int to, int type) {
        int attr = from;
        while (attr + NLA_HDRLEN <= to) {
            int length = attrLength(buf, attr);
            if (length < NLA_HDRLEN || attr + length > to) {
                return -1;
            }
            if (attrType(buf, attr) == type) {
                return attr;
            }
            attr += align(length);
        }
        return -1;
    }

    /** The attribute's value as a 32-bit host-order integer, or {@code absent} if too short. */
    static int attrInt(ByteBuf buf, int attr, int absent) {
        return attr < 0 || attrLength(buf, attr) < NLA_HDRLEN + 4 ? absent : Buffers.getHostInt(buf, attr + NLA_HDRLEN);
    }

    /** The attribute's value as a NUL-terminated string, or {@code absent}. */
    static String attrString(ByteBuf buf, int attr, String absent) {
        return attr < 0 ? absent : Buffers.cString(buf, attr + NLA_HDRLEN, attrLength(buf, attr) - NLA_HDRLEN);
    }
}
