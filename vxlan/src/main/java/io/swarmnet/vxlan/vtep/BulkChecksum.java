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
 * so it pays one bounds check and one leak-detector record per call, not per word, and
 * {@code getLong} compiles to a plain load. Sums of two 32-bit halves of each word go
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
        // A view's order is its own; network order makes the sum the one on the wire.
        nio.order(ByteOrder.BIG_ENDIAN);
        int at = nio.position();
        int end = at + length;
        long sum = initial & 0xFFFF_FFFFL;
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
            sum += (nio.get(at) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
