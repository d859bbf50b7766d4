package io.swarmnet.sys;

import com.kenai.jffi.MemoryIO;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Native addresses of Netty direct buffers, and host-order fields of the structs in them. */
final class Buffers {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();
    private static final boolean LITTLE_ENDIAN_HOST = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Buffers() {
    }

    /**
     * The native address of byte {@code index} of {@code buf}.
     *
     * <p>Netty knows the address only when it may use {@code sun.misc.Unsafe}, which newer
     * JDKs deny by default; then JNR's own JNI lookup of the NIO buffer serves instead.
     */
    static long address(ByteBuf buf, int index) {
        return buf.hasMemoryAddress() ? buf.memoryAddress() + index : nioAddress(buf, index);
    }

    static long nioAddress(ByteBuf buf, int index) {
        if (!buf.isDirect() || buf.nioBufferCount() != 1) {
            throw new IllegalArgumentException("native IO needs a single direct buffer, got " + buf);
        }
        ByteBuffer nio = buf.internalNioBuffer(index, 0);
        return MEMORY.getDirectBufferAddress(nio) + nio.position();
    }

    /**
     * A zeroed direct buffer of {@code size} bytes for a struct passed to one call; pooled,
     * so a call site that releases it in {@code finally} leaves no garbage behind.
     */
    static ByteBuf scratch(int size) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
        return buf.setZero(0, size);
    }

    static void setHostShort(ByteBuf buf, int index, int value) {
        if (LITTLE_ENDIAN_HOST) {
            buf.setShortLE(index, value);
        } else {
            buf.setShort(index, value);
        }
    }

    static void setHostInt(ByteBuf buf, int index, int value) {
        if (LITTLE_ENDIAN_HOST) {
            buf.setIntLE(index, value);
        } else {
            buf.setInt(index, value);
        }
    }

    static void setHostLong(ByteBuf buf, int index, long value) {
        if (LITTLE_ENDIAN_HOST) {
            buf.setLongLE(index, value);
        } else {
            buf.setLong(index, value);
        }
    }

    static int getHostUnsignedShort(ByteBuf buf, int index) {
        return LITTLE_ENDIAN_HOST ? buf.getUnsignedShortLE(index) : buf.getUnsignedShort(index);
    }

    static int getHostInt(ByteBuf buf, int index) {
        return LITTLE_ENDIAN_HOST ? buf.getIntLE(index) : buf.getInt(index);
    }

    static long getHostLong(ByteBuf buf, int index) {
        return LITTLE_ENDIAN_HOST ? buf.getLongLE(index) : buf.getLong(index);
    }

    /** The NUL-terminated string at {@code index}, reading at most {@code max} bytes. */
    static String cString(ByteBuf buf, int index, int max) {
        int end = index;
        while (end < index + max && buf.getByte(end) != 0) {
            end++;
        }
        return buf.toString(index, end - index, StandardCharsets.UTF_8);
    }
}
