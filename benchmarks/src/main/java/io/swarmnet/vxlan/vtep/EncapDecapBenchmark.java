package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.VxlanView;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.SwitchPort;
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
 * The VTEP's packet work without I/O: a 1450-byte UDP/IPv4 frame from a task's port
 * encapsulated by one node's {@link DataPath} and decapsulated by another's, each handing
 * its output to a fake (an underlay that passes the datagram straight on, a port that only
 * counts). Run with {@code -prof gc}: the hot path should allocate ~0 B/op.
 *
 * <p>In {@code DataPath}'s package because the data path is package-private: it is the
 * VTEP's inside, not an API. The fork runs the benchmark on a {@code FastThreadLocalThread}
 * ({@link io.swarmnet.benchmarks.micro.NettyThreadExecutor}), as the VTEP's event loop is:
 * elsewhere Netty 4.2 keeps no pooled thread cache and each datagram buffer costs ~140 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.swarmnet.benchmarks.micro.NettyThreadExecutor", "-Dio.netty.leakDetection.level=disabled"})
public class EncapDecapBenchmark {
    static final int VNI = 4096;
    static final int FRAME = 1450;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final long MAC_SRC = 0x02420a000005L;
    static final long MAC_DST = 0x02420a000002L;

    private DataPath sender;
    private DataPath receiver;
    private DataPath decapOnly;
    private SwitchPort from;
    private CountingPort to;
    private ByteBuf frame;
    private ByteBuf datagram;

    /** Hands each datagram straight to a receiving data path (or drops it), then back to the pool. */
    static final class Loopback implements Underlay {
        DataPath receiver;

        @Override
        public ByteBufAllocator alloc() {
            return PooledByteBufAllocator.DEFAULT;
        }

        @Override
        public boolean supportsSegmentation() {
            return true;
        }

        @Override
        public boolean send(ByteBuf datagram, int peer, int flowHash, int segmentSize) {
            try {
                if (receiver != null) {
                    receiver.fromPeer(PEER, datagram, datagram.readerIndex(), datagram.readableBytes());
                }
            } finally {
                datagram.release();
            }
            return true;
        }

        @Override
        public void flush() {
        }
    }

    /** A port that counts frames and keeps nothing. */
    static final class CountingPort implements SwitchPort {
        private final int id;
        long frames;

        CountingPort(int id) {
            this.id = id;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public int vni() {
            return VNI;
        }

        @Override
        public boolean write(ByteBuf buf, int offset, int length) {
            frames++;
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Loopback loopback = new Loopback();
        sender = new DataPath(new VtepCounters(), loopback);
        receiver = new DataPath(new VtepCounters(), new Loopback());
        decapOnly = new DataPath(new VtepCounters(), new Loopback());
        loopback.receiver = receiver;
        from = new CountingPort(1);
        to = new CountingPort(2);
        sender.addPort(from);
        receiver.addPort(to);
        decapOnly.addPort(to);
        sender.publish(OverlayTables.builder(1).peer(PEER).network(VNI, 1500)
                .localPort(VNI, MAC_SRC, 1).remote(VNI, MAC_DST, PEER).build());
        OverlayTables receiving = OverlayTables.builder(1).peer(PEER).network(VNI, 1500)
                .localPort(VNI, MAC_DST, 2).remote(VNI, MAC_SRC, PEER).build();
        receiver.publish(receiving);
        decapOnly.publish(receiving);
        frame = udpFrame();
        datagram = PooledByteBufAllocator.DEFAULT.directBuffer(VxlanView.HEADER_LENGTH + FRAME);
        VxlanView.write(datagram, 0, VNI);
        datagram.setBytes(VxlanView.HEADER_LENGTH, frame, SwitchPort.VNET_HEADER_LENGTH, FRAME);
        datagram.writerIndex(VxlanView.HEADER_LENGTH + FRAME);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (to.frames == 0) {
            throw new IllegalStateException("no frame reached the receiving port: the fixture is wrong");
        }
        frame.release();
        datagram.release();
        sender.release();
        receiver.release();
        decapOnly.release();
    }

    /** One frame from a task's port to the peer's task: classify, encapsulate, decapsulate, deliver. */
    @Benchmark
    public long encapDecap() {
        sender.fromPort(from, frame, 0, frame.readableBytes());
        sender.flush();
        receiver.flush();
        return to.frames;
    }

    /** Decapsulation and delivery alone, of the same frame in a VXLAN datagram. */
    @Benchmark
    public long decap() {
        decapOnly.fromPeer(PEER, datagram, 0, datagram.readableBytes());
        decapOnly.flush();
        return to.frames;
    }

    /** A UDP/IPv4 frame of {@value #FRAME} bytes behind a zero virtio header. */
    private static ByteBuf udpFrame() {
        int at = SwitchPort.VNET_HEADER_LENGTH;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(at + FRAME);
        buf.writeZero(at + FRAME);
        EthernetView.write(buf, at, MAC_DST, MAC_SRC, EthernetView.TYPE_IPV4);
        Ipv4View.write(buf, at + 14, FRAME - 14, 1, 64, Ipv4View.PROTOCOL_UDP, 0x0a000005, 0x0a000002);
        buf.setShort(at + 34, 5000);
        buf.setShort(at + 36, 5001);
        buf.setShort(at + 38, FRAME - 34);
        return buf;
    }
}
