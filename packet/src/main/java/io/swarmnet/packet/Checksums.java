package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum: the one's complement sum of RFC 1071 over a {@link ByteBuf} range,
 * and its incremental update of RFC 1624 for NAT rewrites.
 *
 * <p>A "sum" here is the folded 16-bit one's complement sum (0..0xFFFF), not yet
 * complemented; the checksum field on the wire is its complement. Sums chain: pass one as
 * the {@code initial} of the next, as long as every range but the last has an even length
 * (RFC 1071 §2 (A): the sum may be split into groups as long as the even/odd assignment
 * of bytes is respected).
 * Nothing here allocates or moves buffer indices.
 */
public final class Checksums {

    private Checksums() {
    }

    /** Returns the folded one's complement sum of {@code length} bytes at {@code offset}. */
    public static int sum(ByteBuf buf, int offset, int length) {
        return sum(buf, offset, length, 0);
    }

    /**
     * Returns the folded one's complement sum of {@code length} bytes at {@code offset}
     * added to {@code initial} (a previous sum, e.g. {@link #pseudoHeaderSum}). An odd
     * trailing byte counts as the high byte of a word whose low byte is zero (RFC 1071 §1, [Z,0]).
     */
    public static int sum(ByteBuf buf, int offset, int length, int initial) {
        // Summing 32-bit words into a 64-bit accumulator and folding once at the end is
        // RFC 1071 §2 (C) "parallel summation"; it cannot overflow below 2^32 words.
        long sum = initial & 0xFFFFFFFFL;
        int i = offset;
        int end = offset + length;
        for (; i <= end - 4; i += 4) {
            sum += buf.getUnsignedInt(i);
        }
        if (i <= end - 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += buf.getUnsignedByte(i) << 8;
        }
        return fold(sum);
    }

    /** Returns the checksum field value for {@code length} bytes at {@code offset}: the complemented sum. */
    public static int checksum(ByteBuf buf, int offset, int length) {
        return ~sum(buf, offset, length) & 0xFFFF;
    }

    /**
     * Returns the sum of the IPv4 pseudo-header that UDP (RFC 768) and TCP (RFC 793 §3.1)
     * prepend to their checksum: source, destination, zero, protocol, L4 length.
     */
    public static int pseudoHeaderSum(int src, int dst, int protocol, int length) {
        long sum = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF)
                + (protocol & 0xFF) + (length & 0xFFFF);
        return fold(sum);
    }

    /**
     * Returns {@code checksum} updated for a 16-bit field (a port, an ICMP id) changed from
     * {@code oldValue} to {@code newValue}: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m').
     * Equals a full recomputation, including the 0x0000/0xFFFF corner RFC 1624 §3 fixes.
     */
    public static int adjust16(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * Returns {@code checksum} updated for a 32-bit field (an IPv4 address) changed from
     * {@code oldValue} to {@code newValue}; RFC 1624 eqn. 3 applied to both 16-bit halves.
     */
    public static int adjust32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~oldValue >>> 16) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
