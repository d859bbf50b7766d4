package io.swarmnet.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Where a test puts a frame: heap or direct memory, at offset 0 or behind junk bytes at an
 * odd offset, so every view is read through both Netty buffer kinds and unaligned.
 *
 * <p>The buffers wrap plain arrays and {@link ByteBuffer}s: they are not leak-tracked, so
 * tests need not release them, and paranoid leak detection records nothing per access
 * (which would show as allocation in {@code AllocationTest}).
 */
enum Placement {
    HEAP_AT_ZERO(false, 0),
    DIRECT_AT_ZERO(true, 0),
    HEAP_AT_7(false, 7),
    DIRECT_AT_13(true, 13);

    private static final byte JUNK = (byte) 0xEE;

    final boolean direct;
    final int offset;

    Placement(boolean direct, int offset) {
        this.direct = direct;
        this.offset = offset;
    }

    /** Returns a buffer holding junk, then {@code frame} at {@link #offset}; readable from the frame to its end. */
    ByteBuf place(byte[] frame) {
        ByteBuf buf = allocate(offset + frame.length);
        for (int i = 0; i < offset; i++) {
            buf.setByte(i, JUNK);
        }
        buf.setBytes(offset, frame);
        buf.readerIndex(offset);
        return buf;
    }

    /** Returns a zeroed buffer of {@code capacity} bytes, all of them readable. */
    ByteBuf allocate(int capacity) {
        return direct ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity))
                : Unpooled.wrappedBuffer(new byte[capacity]);
    }

    /** Returns the {@code length} bytes at {@code index}. */
    static byte[] bytes(ByteBuf buf, int index, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        return bytes;
    }
}
