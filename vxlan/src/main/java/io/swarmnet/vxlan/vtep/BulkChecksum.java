package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.Checksums;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RFC 1071 one's complement sum over whole segments, eight bytes at a time: the
 * per-byte work of TSO segmentation and of completing partial checksums.
 *
 * <p>Gives the same sum as {@link Checksums#sum(ByteBuf, int, int, int)}, which reads four
 * bytes per {@code ByteBuf} call; here the loop runs over the buffer's internal NIO view,
 * so it pays one leak-detector record per call, not per word, and {@code getLong} in
 * little-endian order compiles to a plain load. Sums of two 32-bit halves of each word go
 * into a 64-bit accumulator, which cannot overflow below 2^31 words (RFC 1071 §2 (C)).
 * Nothing is allocated: {@code internalNioBuffer} reuses the buffer's own view.
 */
final class BulkChecksum {
    private BulkChecksum() {
    }

    /**
     * Returns the folded sum of {@code length} bytes at {@code index} added to
     * {@code initial}, as {@link Checksums#sum(ByteBuf, int, int, int)}.
     */
    static int sum(ByteBuf buf, int index, int length, int initial) {
        if (buf.nioBufferCount() != 1) {
            return Checksums.sum(buf, index, length, initial);
        }
        ByteBuffer nio = buf.internalNioBuffer(index, length);
        // RFC 1071 §2 (B): summing byte-swapped words gives the byte-swapped sum, so the
        // loop reads little-endian, the order of the hosts swarmnet runs on (IFF_VNET_HDR
        // needs it too), with no swap per word, and swaps once at the end.
        ByteOrder order = nio.order();
        nio.order(ByteOrder.LITTLE_ENDIAN);
        int at = nio.position();
        int end = at + length;
        long sum = 0;
        for (; at <= end - 8; at += 8) {
            long word = nio.getLong(at);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        if (at <= end - 4) {
            sum += nio.getInt(at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (at <= end - 2) {
            sum += nio.getShort(at) & 0xFFFF;
            at += 2;
        }
        if (at < end) {
            // In network order a lone last byte is the high byte of its word; swapped, the low.
            sum += nio.get(at) & 0xFF;
        }
        nio.order(order);
        int swapped = fold(sum);
        return fold(((swapped & 0xFF) << 8 | swapped >>> 8) + (initial & 0xFFFF_FFFFL));
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
