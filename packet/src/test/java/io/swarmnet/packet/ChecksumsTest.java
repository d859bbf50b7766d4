package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.testing.Frames;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChecksumsTest {

    @ParameterizedTest
    @EnumSource(Placement.class)
    void sumsTheRfc1071NumericalExample(Placement placement) {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
        ByteBuf buf = placement.place(Frames.hex("0001 f203 f4f5 f6f7"));

        assertThat(Checksums.sum(buf, placement.offset, 8)).isEqualTo(0xDDF2);
        assertThat(Checksums.checksum(buf, placement.offset, 8)).isEqualTo(0x220D);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void padsAnOddTrailingByteWithZeroOnTheRight(Placement placement) {
        ByteBuf buf = placement.place(Frames.hex("0001 f2"));

        assertThat(Checksums.sum(buf, placement.offset, 3)).isEqualTo(0xF201);
    }

    @Test
    void sumsNothingToZero() {
        ByteBuf buf = Placement.HEAP_AT_ZERO.place(new byte[4]);

        assertThat(Checksums.sum(buf, 0, 0)).isZero();
        assertThat(Checksums.sum(buf, 0, 0, 0x1234)).isEqualTo(0x1234);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void matchesTheNaiveReferenceForEveryLengthAndAlignment(Placement placement) {
        Random random = new Random(1071);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            if (round % 7 == 0) {
                Arrays.fill(data, (byte) 0xFF);
            }
            ByteBuf buf = placement.place(data);
            for (int from = 0; from < Math.min(8, data.length); from++) {
                int to = from + random.nextInt(data.length - from + 1);
                assertThat(Checksums.checksum(buf, placement.offset + from, to - from))
                        .as("round %d bytes [%d, %d)", round, from, to)
                        .isEqualTo(Frames.referenceChecksum(data, from, to));
            }
        }
    }

    @Test
    void chainsSumsSplitOnAnEvenBoundary() {
        Random random = new Random(2);
        byte[] data = new byte[101];
        random.nextBytes(data);
        ByteBuf buf = Placement.DIRECT_AT_ZERO.place(data);

        int first = Checksums.sum(buf, 0, 38);
        int chained = Checksums.sum(buf, 38, 63, first);

        assertThat(~chained & 0xFFFF).isEqualTo(Frames.referenceChecksum(data, 0, data.length));
    }

    @Test
    void verifiesTheWikipediaIpv4HeaderExample() {
        // https://en.wikipedia.org/wiki/Internet_checksum: this header's checksum is 0xb861.
        byte[] header = Frames.hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        ByteBuf buf = Placement.HEAP_AT_ZERO.place(header);

        assertThat(Checksums.sum(buf, 0, 20)).isEqualTo(0xFFFF);
        header[10] = 0;
        header[11] = 0;
        assertThat(Checksums.checksum(Placement.HEAP_AT_ZERO.place(header), 0, 20)).isEqualTo(0xB861);
    }

    @Test
    void sumsThePseudoHeaderOfTheDnsQuery() {
        // 10.0.0.5 -> 127.0.0.11, UDP, 37 bytes: 0a00+0005+7f00+000b+0011+0025.
        int expected = 0x0A00 + 0x0005 + 0x7F00 + 0x000B + 0x0011 + 0x0025;

        assertThat(Checksums.pseudoHeaderSum(Frames.TASK_A_IP, 0x7F00000B, 17, 37)).isEqualTo(expected);
    }

    @Test
    void foldsTheCarriesOfALargePseudoHeaderSum() {
        // Five words of 0xffff (one's complement -0) and 0x00ff: 0x500fa folds to 0x00ff.
        assertThat(Checksums.pseudoHeaderSum(0xFFFFFFFF, 0xFFFFFFFF, 0xFF, 0xFFFF)).isEqualTo(0x00FF);
    }

    @Test
    void adjustsTheRfc1624Example() {
        // RFC 1624 §4: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000 (eqn. 2 gets 0xffff wrong).
        assertThat(Checksums.adjust16(0xDD2F, 0x5555, 0x3285)).isEqualTo(0x0000);
    }

    @Test
    void leavesTheChecksumAloneWhenTheValueDoesNotChange() {
        assertThat(Checksums.adjust16(0xB861, 0x1234, 0x1234)).isEqualTo(0xB861);
        assertThat(Checksums.adjust32(0xB861, 0x0A000005, 0x0A000005)).isEqualTo(0xB861);
    }

    @Test
    void adjustsThe32BitFieldAsItsTwoHalves() {
        Random random = new Random(1624);
        for (int i = 0; i < 10_000; i++) {
            int checksum = random.nextInt(0xFFFF);
            int oldValue = random.nextInt();
            int newValue = random.nextInt();
            int viaHalves = Checksums.adjust16(
                    Checksums.adjust16(checksum, oldValue >>> 16, newValue >>> 16),
                    oldValue & 0xFFFF, newValue & 0xFFFF);

            assertThat(Checksums.adjust32(checksum, oldValue, newValue)).isEqualTo(viaHalves);
        }
    }
}
