package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.swarmnet.packet.Checksums;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BulkChecksumTest {

    @Test
    void sumsLikeThePacketModuleAtEveryLengthAndAlignment() {
        SplittableRandom random = new SplittableRandom(42);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(2048);
        ByteBuf heap = Unpooled.buffer(2048);
        try {
            for (int i = 0; i < 2048; i++) {
                byte b = (byte) random.nextInt();
                direct.writeByte(b);
                heap.writeByte(b);
            }
            for (int offset = 0; offset < 9; offset++) {
                for (int length = 0; length < 1100; length += 1 + length / 7) {
                    int initial = random.nextInt(0x10000);
                    int expected = Checksums.sum(direct, offset, length, initial);
                    assertThat(BulkChecksum.sum(direct, offset, length, initial)).as("%d@%d", length, offset).isEqualTo(expected);
                    assertThat(BulkChecksum.sum(heap, offset, length, initial)).isEqualTo(expected);
                }
            }
        } finally {
            direct.release();
            heap.release();
        }
    }

    @Test
    void sumsAllOnesWithoutOverflow() {
        ByteBuf buf = Unpooled.directBuffer(65536).writeBytes(new byte[65536]);
        try {
            for (int i = 0; i < 65536; i++) {
                buf.setByte(i, 0xFF);
            }
            assertThat(BulkChecksum.sum(buf, 0, 65536, 0xFFFF)).isEqualTo(Checksums.sum(buf, 0, 65536, 0xFFFF));
        } finally {
            buf.release();
        }
    }
}
