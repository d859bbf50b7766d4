package io.swarmnet.benchmarks.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.lb.BatchClock;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.lb.NatStage;
import io.swarmnet.lb.conntrack.ConntrackTable;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.BackendState;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.packet.Checksums;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import io.swarmnet.packet.TcpView;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The load balancer's packet path with {@code flows} established flows in its conntrack
 * table (issue #5: at most 100 ns and no allocation per operation with 100k flows):
 * <ul>
 *   <li>{@code establishedFlow}: a segment of a random tracked flow to the VIP: conntrack
 *       lookup, TCP state, destination rewrite with incremental checksums;</li>
 *   <li>{@code newFlow}: a SYN of a new flow: scheduler pick, conntrack insert (evicting the
 *       oldest embryonic flow once the embryonic budget is full), rewrite;</li>
 *   <li>{@code reply}: a reply of a random tracked flow: reverse lookup and source rewrite;</li>
 *   <li>{@code pickNewFlow}: the "backend pick + conntrack lookup" for a flow not
 *       yet tracked: the lookup that misses in the 100k-flow table and the scheduler's pick,
 *       without the insert that {@code newFlow} also pays;</li>
 *   <li>{@code missLatency}: the same lookup alone, each behind a {@code System.nanoTime()}
 *       call (about 20 ns here), which waits for the loads before it: one miss's latency
 *       with no overlap between operations, the clock included.</li>
 * </ul>
 * Each operation also puts back the few bytes the rewrite changed (a handful of absolute
 * writes), so the same frames can be sent again. The stage reads its clock as in the VTEP:
 * once per batch of {@value #BATCH} packets (a {@link BatchClock}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class LoadBalancerBenchmark {
    private static final int VNI = 4096;
    private static final int VIP = 0x0A00_0002;
    private static final long VIP_MAC = 0x02_42_0A_00_00_02L;
    private static final long CLIENT_MAC = 0x02_42_0A_00_00_0AL;
    private static final int BACKENDS = 10;
    private static final int ETH = EthernetView.HEADER_LENGTH;
    private static final int FRAME = ETH + 40;
    /** Frames sent in a loop, each of a random tracked flow: enough to miss the caches. */
    private static final int FRAMES = 4096;
    private static final int STRIDE = 64;
    /**
     * Packets per clock reading: the VTEP's underlay receive batch ({@code Vtep.RECEIVE_BATCH});
     * a TAP's batch is up to 64 frames, so the data path reads the clock no more often.
     */
    private static final int BATCH = 16;

    @Param({"100000"})
    public int flows;

    @Param({"rr", "maglev"})
    public String scheduler;

    private final BatchClock clock = new BatchClock(System::nanoTime);
    private int batched;
    private NatStage stage;
    private ByteBuf forward;
    private ByteBuf replies;
    private ByteBuf syn;
    private ByteBuf out;
    private int next;
    private int newClient = 0x0B00_0000;
    private int newPort = 1024;
    private VirtualServer pickServer;
    private int pickClient = 0x0C00_0000;
    private int pickPort = 1024;

    private static int client(int flow) {
        return 0x0A01_0000 + flow / 50_000;
    }

    private static int port(int flow) {
        return 1024 + flow % 50_000;
    }

    @Setup(Level.Trial)
    public void setUp() {
        stage = new NatStage(LbConfig.builder().conntrackMax(Math.max(16, flows * 2)).embryonicMax(1024).build(),
                clock);
        ServiceTable.Builder b = ServiceTable.builder(1).service("web", VNI, VIP, VIP_MAC, SchedulerType.parse(scheduler));
        for (int i = 0; i < BACKENDS; i++) {
            b.backend(VNI, VIP, 0x0A00_0100 + i, 0x02_42_0A_00_01_00L + i, i + 1, 0, BackendState.ACTIVE, 1);
        }
        stage.publish(b.build());
        out = direct(2048);
        ByteBuf one = direct(FRAME);
        try {
            for (int f = 0; f < flows; f++) {
                write(one, 0, CLIENT_MAC, VIP_MAC, client(f), VIP, port(f), 80, TcpView.SYN);
                stage.fromPort(VNI, one, 0, FRAME, false, out, 0);
                int backend = one.getInt(ETH + 16);
                long backendMac = one.getLong(0) >>> 16;
                write(one, 0, backendMac, CLIENT_MAC, backend, client(f), 80, port(f), TcpView.SYN | TcpView.ACK);
                stage.toPort(VNI, one, 0, FRAME, false);
                write(one, 0, CLIENT_MAC, VIP_MAC, client(f), VIP, port(f), 80, TcpView.ACK);
                stage.fromPort(VNI, one, 0, FRAME, false, out, 0);
            }
        } finally {
            one.release();
        }
        if (stage.conntrack().size() != flows) {
            throw new IllegalStateException("set up " + stage.conntrack().size() + " flows, not " + flows);
        }
        SplittableRandom random = new SplittableRandom(5);
        forward = direct(FRAMES * STRIDE);
        replies = direct(FRAMES * STRIDE);
        forward.writerIndex(FRAMES * STRIDE);
        replies.writerIndex(FRAMES * STRIDE);
        for (int i = 0; i < FRAMES; i++) {
            int f = random.nextInt(flows);
            write(forward, i * STRIDE, VIP_MAC, CLIENT_MAC, client(f), VIP, port(f), 80, TcpView.ACK);
            // The reply direction needs the flow's backend: ask the stage with a copy.
            write(replies, i * STRIDE, VIP_MAC, CLIENT_MAC, client(f), VIP, port(f), 80, TcpView.ACK);
            stage.fromPort(VNI, replies, i * STRIDE, FRAME, false, out, 0);
            int backend = replies.getInt(i * STRIDE + ETH + 16);
            long backendMac = replies.getLong(i * STRIDE) >>> 16;
            write(replies, i * STRIDE, CLIENT_MAC, backendMac, backend, client(f), 80, port(f), TcpView.ACK);
        }
        pickServer = stage.table().service(VNI, VIP);
        clock.endBatch();
        syn = direct(FRAME);
        write(syn, 0, VIP_MAC, CLIENT_MAC, newClient, VIP, newPort, 80, TcpView.SYN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        forward.release();
        replies.release();
        syn.release();
        out.release();
    }

    /**
     * A direct buffer outside the leak detector: the smoke run in {@code bin/test} runs with
     * paranoid leak detection, which records every access of a tracked buffer.
     */
    private static ByteBuf direct(int capacity) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity)).clear();
    }

    /** Writes a 54-byte TCP frame with right checksums at {@code at}. */
    private static void write(ByteBuf buf, int at, long dstMac, long srcMac, int src, int dst, int sport, int dport,
                              int flags) {
        if (buf.writerIndex() < at + FRAME) {
            buf.writerIndex(at + FRAME);
        }
        EthernetView.write(buf, at, dstMac, srcMac, EthernetView.TYPE_IPV4);
        Ipv4View.write(buf, at + ETH, 40, 0, 64, Ipv4View.PROTOCOL_TCP, src, dst);
        int t = at + ETH + 20;
        buf.setShort(t, sport);
        buf.setShort(t + 2, dport);
        buf.setInt(t + 4, 1);
        buf.setInt(t + 8, flags == TcpView.SYN ? 0 : 1);
        buf.setShort(t + 12, (5 << 12) | flags);
        buf.setInt(t + 14, 0);
        buf.setShort(t + 18, 0);
        int pseudo = Checksums.pseudoHeaderSum(src, dst, Ipv4View.PROTOCOL_TCP, 20);
        buf.setShort(t + 16, ~Checksums.sum(buf, t, 20, pseudo) & 0xFFFF);
    }

    /** Puts back destination MAC, address and checksums: the bytes the forward rewrite changed. */
    private static void restoreForward(ByteBuf buf, int at, int ipChecksum, int tcpChecksum) {
        buf.setInt(at, (int) (VIP_MAC >>> 16));
        buf.setShort(at + 4, (int) VIP_MAC);
        buf.setInt(at + ETH + 16, VIP);
        buf.setShort(at + ETH + 10, ipChecksum);
        buf.setShort(at + ETH + 36, tcpChecksum);
    }

    /** Ends the clock's batch every {@value #BATCH} operations, as the VTEP's flush does. */
    private void batch() {
        if (++batched == BATCH) {
            batched = 0;
            clock.endBatch();
        }
    }

    @Benchmark
    public int establishedFlow() {
        batch();
        int at = next * STRIDE;
        next = (next + 1) & (FRAMES - 1);
        ByteBuf f = forward;
        int ipChecksum = f.getUnsignedShort(at + ETH + 10);
        int tcpChecksum = f.getUnsignedShort(at + ETH + 36);
        int verdict = stage.fromPort(VNI, f, at, FRAME, false, out, 0);
        restoreForward(f, at, ipChecksum, tcpChecksum);
        return verdict;
    }

    @Benchmark
    public int newFlow() {
        batch();
        ByteBuf f = syn;
        int ipChecksum = f.getUnsignedShort(ETH + 10);
        int tcpChecksum = f.getUnsignedShort(ETH + 36);
        if (++newPort > 65535) {
            newPort = 1024;
            newClient++;
            f.setInt(ETH + 12, newClient);
        }
        // A new source port: the stage reads no checksum, so none is fixed here.
        f.setShort(ETH + 20, newPort);
        int verdict = stage.fromPort(VNI, f, 0, FRAME, false, out, 0);
        restoreForward(f, 0, ipChecksum, tcpChecksum);
        return verdict;
    }

    /** Looks up the next flow never tracked (a new client port each time), at time {@code now}. */
    private int findUntracked(long now) {
        if (++pickPort > 65535) {
            pickPort = 1024;
            pickClient++;
        }
        return stage.conntrack().find(ConntrackTable.forwardA(pickClient, VIP),
                ConntrackTable.forwardB(VNI, Ipv4View.PROTOCOL_TCP, pickPort, 80), now);
    }

    @Benchmark
    public int pickNewFlow() {
        batch();
        if (findUntracked(clock.getAsLong()) != ConntrackTable.NONE) {
            throw new IllegalStateException("a new flow was found tracked");
        }
        return pickServer.pick(NatStage.flowHash(pickClient, pickPort, Ipv4View.PROTOCOL_TCP), pickClient);
    }

    @Benchmark
    public int missLatency() {
        return findUntracked(System.nanoTime());
    }

    @Benchmark
    public boolean reply() {
        batch();
        int at = next * STRIDE;
        next = (next + 1) & (FRAMES - 1);
        ByteBuf f = replies;
        int src = f.getInt(at + ETH + 12);
        long srcMac = f.getLong(at + 6) >>> 16;
        int ipChecksum = f.getUnsignedShort(at + ETH + 10);
        int tcpChecksum = f.getUnsignedShort(at + ETH + 36);
        boolean translated = stage.toPort(VNI, f, at, FRAME, false);
        f.setInt(at + ETH + 12, src);
        f.setShort(at + 6, (int) (srcMac >>> 32));
        f.setInt(at + 8, (int) srcMac);
        f.setShort(at + ETH + 10, ipChecksum);
        f.setShort(at + ETH + 36, tcpChecksum);
        return translated;
    }

}
