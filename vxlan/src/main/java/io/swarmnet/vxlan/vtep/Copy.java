package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Copies bytes between two buffers through their internal NIO views, which never allocates.
 *
 * <p>{@code ByteBuf.setBytes(int, ByteBuf, int, int)} between direct buffers asks the source
 * for fresh {@code nioBuffers} whenever Netty may not use {@code sun.misc.Unsafe}, which is
 * the default from Java 25 on; that is two objects per copy on the packet path.
 */
final class Copy {
    private Copy() {
    }

    /** Copies {@code length} bytes from {@code src} at {@code srcIndex} to {@code dst} at {@code dstIndex}. */
    static void bytes(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
        if (src == dst || src.nioBufferCount() != 1 || dst.nioBufferCount() != 1) {
            // One buffer has one internal view: copying within it needs two.
            dst.setBytes(dstIndex, src, srcIndex, length);
            return;
        }
        ByteBuffer from = src.internalNioBuffer(srcIndex, length);
        dst.setBytes(dstIndex, from);
    }
}
