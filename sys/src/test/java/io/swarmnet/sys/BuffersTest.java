package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Native addresses of Netty buffers, also where Netty itself does not know them. */
class BuffersTest {

    @Test
    void nioLookupFindsTheAddressNettyReportsForPooledAndUnpooledBuffers() {
        ByteBuf unpooled = Unpooled.directBuffer(64);
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            for (ByteBuf buf : new ByteBuf[] {unpooled, pooled}) {
                assertThat(buf.hasMemoryAddress()).as("%s", buf).isTrue();
                assertThat(Buffers.nioAddress(buf, 0)).isEqualTo(buf.memoryAddress());
                assertThat(Buffers.nioAddress(buf, 17)).isEqualTo(buf.memoryAddress() + 17);
                assertThat(Buffers.address(buf, 17)).isEqualTo(buf.memoryAddress() + 17);
            }
        } finally {
            unpooled.release();
            pooled.release();
        }
    }

    @Test
    void heapAndCompositeBuffersAreRefused() {
        ByteBuf heap = Unpooled.buffer(8);
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.directBuffer(4).writeInt(1),
                Unpooled.directBuffer(4).writeInt(2));
        try {
            assertThatThrownBy(() -> Buffers.address(heap, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Buffers.address(composite, 0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            heap.release();
            composite.release();
        }
    }

    @Test
    void scratchIsZeroedAndHostOrderFieldsRoundTrip() {
        ByteBuf scratch = Buffers.scratch(16);
        try {
            for (int i = 0; i < 16; i++) {
                assertThat(scratch.getByte(i)).isZero();
            }
            Buffers.setHostInt(scratch, 0, 0x01020304);
            Buffers.setHostShort(scratch, 4, 0xfffe);
            Buffers.setHostLong(scratch, 8, 10);
            assertThat(Buffers.getHostInt(scratch, 0)).isEqualTo(0x01020304);
            assertThat(Buffers.getHostUnsignedShort(scratch, 4)).isEqualTo(0xfffe);
            long raw = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? scratch.getLongLE(8) : scratch.getLong(8);
            assertThat(raw).isEqualTo(10);
        } finally {
            scratch.release();
        }
    }
}
