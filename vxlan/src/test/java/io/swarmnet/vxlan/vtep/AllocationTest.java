package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.vtep.TestFrames.FakePort;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing per packet: a 1450-byte frame encapsulated by one data path
 * and decapsulated by another, many times over, costs no heap once warm (the datagram
 * buffer comes from, and goes back to, the pooled allocator's thread cache).
 *
 * <p>Measured on a {@link FastThreadLocalThread}, like the VTEP's event loop: Netty 4.2
 * gives pooled thread caches only to those, and elsewhere a pooled buffer costs ~100 bytes.
 */
class AllocationTest {
    static final int VNI = 4096;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final int ROUNDS = 20_000;

    private ResourceLeakDetector.Level level;

    @BeforeEach
    void quietLeakDetector() {
        // Leak tracking records every buffer access, which allocates by design.
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void restoreLeakDetector() {
        ResourceLeakDetector.setLevel(level);
    }

    /** Hands each datagram straight to the receiving data path, then back to the pool. */
    private static final class Loopback implements Underlay {
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
                receiver.fromPeer(PEER, datagram, datagram.readerIndex(), datagram.readableBytes());
            } finally {
                datagram.release();
            }
            return true;
        }

        @Override
        public void flush() {
        }
    }

    /** Counts what it is given without keeping it. */
    private static final class CountingPort extends FakePort {
        long frames;

        CountingPort(int id, int vni) {
            super(id, vni);
        }

        @Override
        public boolean write(ByteBuf buf, int offset, int length) {
            frames++;
            return true;
        }
    }

    @Test
    void encapsulatesAndDecapsulatesWithoutAllocating() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                roundTrips();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        loop.start();
        loop.join(60_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private void roundTrips() {
        Loopback loopback = new Loopback();
        DataPath sender = new DataPath(new VtepCounters(), loopback);
        DataPath receiver = new DataPath(new VtepCounters(), new TestFrames.RecordingUnderlay());
        loopback.receiver = receiver;
        FakePort from = new FakePort(1, VNI);
        CountingPort to = new CountingPort(2, VNI);
        sender.addPort(from);
        receiver.addPort(to);
        sender.publish(OverlayTables.builder(1).peer(PEER).network(VNI, 1500)
                .localPort(VNI, TestFrames.MAC_5, 1).remote(VNI, TestFrames.MAC_2, PEER).build());
        receiver.publish(OverlayTables.builder(1).peer(PEER).network(VNI, 1500)
                .localPort(VNI, TestFrames.MAC_2, 2).remote(VNI, TestFrames.MAC_5, PEER).build());
        ByteBuf frame = udpFrame(1450);
        try {
            run(sender, receiver, from, frame, ROUNDS);
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            run(sender, receiver, from, frame, ROUNDS);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(to.frames).isEqualTo(2L * ROUNDS);
            // An object per packet would cost at least 16 bytes per round trip (the smallest
            // Java object); the allocator's occasional housekeeping stays well below 8.
            assertThat(allocated).as("bytes allocated for %d round trips", ROUNDS).isLessThan(8L * ROUNDS);
        } finally {
            frame.release();
            sender.release();
            receiver.release();
        }
    }

    private static void run(DataPath sender, DataPath receiver, FakePort from, ByteBuf frame, int rounds) {
        for (int i = 0; i < rounds; i++) {
            sender.fromPort(from, frame, 0, frame.readableBytes());
            sender.flush();
            receiver.flush();
        }
    }

    /** A UDP/IPv4 frame of {@code length} bytes behind a zero virtio header, from 10.0.0.5 to 10.0.0.2. */
    private static ByteBuf udpFrame(int length) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(10 + length);
        buf.writeZero(10 + length);
        EthernetView.write(buf, 10, TestFrames.MAC_2, TestFrames.MAC_5, EthernetView.TYPE_IPV4);
        Ipv4View.write(buf, 24, length - 14, 1, 64, Ipv4View.PROTOCOL_UDP, TestFrames.IP_5, TestFrames.IP_2);
        buf.setShort(44, 5000);
        buf.setShort(46, 5001);
        buf.setShort(48, length - 34);
        return buf;
    }
}
