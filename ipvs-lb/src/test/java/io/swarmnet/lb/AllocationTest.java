package io.swarmnet.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.BackendState;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.TcpView;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The NAT stage must not allocate: new flows, tracked flows, replies, echo, expiry, measured on this thread. */
class AllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int ITERATIONS = 100_000;
    /** Room for the measurement itself; a single byte per iteration would be 100 000. */
    private static final long ALLOWANCE = 4_096;
    static final int VNI = 4096;
    static final int VIP = 0x0A00_0002;
    static final long VIP_MAC = 0x02_42_0A_00_00_02L;
    static final long CLIENT_MAC = 0x02_42_0A_00_00_0AL;

    private long now = 1_000_000_000L;

    @Test
    @Timeout(60)
    void balancingAndTrackingAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's ThreadMXBean");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "needs per-thread allocation accounting");
        NatStage stage = new NatStage(LbConfig.builder().conntrackMax(4096).embryonicMax(256).build(), () -> now);
        for (SchedulerType type : SchedulerType.values()) {
            ServiceTable.Builder b = ServiceTable.builder(type.ordinal() + 1, stage.table())
                    .service("web", VNI, VIP, VIP_MAC, type);
            for (int i = 0; i < 4; i++) {
                b.backend(VNI, VIP, 0x0A00_0005 + i, 0x02_42_0A_00_00_05L + i, i + 1, 0, BackendState.ACTIVE, 1);
            }
            stage.publish(b.build());
            // Buffers without leak tracking: paranoid tracking records every access, which allocates by design.
            ByteBuf out = untracked(2048);
            ByteBuf frame = untracked(2048);
            ByteBuf[] templates = {
                copy(TestFrames.tcp(VIP_MAC, CLIENT_MAC, 0x0A00_0100, VIP, 1, 80, 1, 0, TcpView.SYN, 0)),
                copy(TestFrames.udp(VIP_MAC, CLIENT_MAC, 0x0A00_0100, VIP, 1, 53, 16, true)),
                copy(TestFrames.tcp(VIP_MAC, CLIENT_MAC, 0x0A00_0100, VIP, 1, 80, 1, 1, TcpView.ACK, 10)),
                copy(TestFrames.echo(VIP_MAC, CLIENT_MAC, 0x0A00_0100, VIP, 1, 1, 16)),
            };
            long sink = run(stage, templates, frame, out, WARM_UP);
            long before = threads.getCurrentThreadAllocatedBytes();
            sink += run(stage, templates, frame, out, ITERATIONS);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sink).as("the loop did its work").isNotZero();
            assertThat(stage.counters().replyPackets()).as("replies were translated").isPositive();
            assertThat(stage.counters().echoReplies()).as("pings were answered").isPositive();
            assertThat(allocated).as("%s: bytes allocated in %d iterations", type, ITERATIONS).isLessThan(ALLOWANCE);
        }
    }

    private static ByteBuf untracked(int capacity) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity)).clear();
    }

    private static ByteBuf copy(ByteBuf tracked) {
        try {
            ByteBuf b = untracked(tracked.writerIndex());
            b.writeBytes(tracked, 0, tracked.writerIndex());
            return b;
        } finally {
            tracked.release();
        }
    }

    /** Copies each template in turn into {@code frame}, varies client and port, and sends it through the stage. */
    private long run(NatStage stage, ByteBuf[] templates, ByteBuf frame, ByteBuf out, int iterations) {
        long sink = 0;
        for (int i = 0; i < iterations; i++) {
            ByteBuf template = templates[i & 3];
            int length = template.writerIndex();
            for (int j = 0; j < length; j++) {
                frame.setByte(j, template.getByte(j));
            }
            frame.writerIndex(length);
            // Many clients and ports: new flows, tracked flows, evictions and a full table all happen.
            if ((i & 3) != 3) {
                frame.setShort(TestFrames.ETH + 20, 1024 + (i % 5000));
            }
            frame.setInt(TestFrames.ETH + 12, 0x0A00_0100 + (i % 7));
            int verdict = stage.fromPort(VNI, frame, 0, length, (i & 4) != 0, out, 10);
            sink += verdict;
            if (verdict == NatStage.FORWARD) {
                // Turn it into the backend's answer (checksums aside, which the stage only adjusts).
                int ip = TestFrames.ETH + 12;
                int src = frame.getInt(ip);
                frame.setInt(ip, frame.getInt(ip + 4));
                frame.setInt(ip + 4, src);
                int ports = frame.getInt(TestFrames.ETH + 20);
                frame.setInt(TestFrames.ETH + 20, (ports << 16) | (ports >>> 16));
                sink += stage.toPort(VNI, frame, 0, length, false) ? 1 : 0;
            }
            now += 1_000_000;
            if ((i & 1023) == 0) {
                stage.housekeep((vni, mac, n) -> true, out, 10);
            }
        }
        return sink;
    }
}
