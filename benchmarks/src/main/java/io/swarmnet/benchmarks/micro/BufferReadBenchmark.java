package io.swarmnet.benchmarks.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under every flyweight view: reading the fields a classifier needs (ethertype,
 * IPv4 protocol, addresses, ports) from a pooled direct buffer with absolute getters.
 * Views in {@code packet} should cost no more than this.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BufferReadBenchmark {
    private ByteBuf frame;

    @Setup(Level.Trial)
    public void setUp() {
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(1514);
        frame.writeZero(1514);
        frame.setShort(12, 0x0800);
        frame.setByte(14, 0x45);
        frame.setByte(23, 6);
        frame.setInt(26, 0x0a000002);
        frame.setInt(30, 0x0a000003);
        frame.setShort(34, 40000);
        frame.setShort(36, 80);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
    }

    /** Packs what a 5-tuple lookup reads into one long, as a conntrack key would. */
    @Benchmark
    public long classifyFiveTuple() {
        ByteBuf f = frame;
        if (f.getUnsignedShort(12) != 0x0800 || (f.getUnsignedByte(14) >> 4) != 4) {
            return -1;
        }
        int ihl = (f.getUnsignedByte(14) & 0x0f) << 2;
        long key = ((long) f.getInt(26) << 32) ^ f.getInt(30);
        key = key * 31 + ((long) f.getUnsignedShort(14 + ihl) << 16 | f.getUnsignedShort(16 + ihl));
        return key * 31 + f.getUnsignedByte(23);
    }
}
