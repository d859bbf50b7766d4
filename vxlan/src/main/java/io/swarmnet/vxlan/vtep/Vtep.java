package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.swarmnet.lb.BatchClock;
import io.swarmnet.lb.NatStage;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.packet.Ipv4Address;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.CpuSteering;
import io.swarmnet.sys.Resource;
import io.swarmnet.sys.TapDevice;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.FrameHandler;
import io.swarmnet.vxlan.port.SwitchPort;
import io.swarmnet.vxlan.port.TapPort;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user-space VXLAN tunnel endpoint (RFC 7348): the overlay data plane of one node. TAP
 * ports of local tasks and the UDP sockets of the underlay are served by one Netty event
 * loop, or, when {@link VtepConfig#cpus()} names CPUs, by one per CPU (a shard, pinned to
 * its CPU; {@link #loops()}), which switch frames per VNI by the published
 * {@link OverlayTables}. Each shard has its own queue of every TAP and its
 * own socket in the data-path port's {@code SO_REUSEPORT} group; while traffic is light
 * the kernel steers small packets to the shard of their CPU and bulk flows by hash
 * ({@link CpuSteering}), and while it is heavy everything to shard 0, which then runs on
 * any of the CPUs ({@link SteeringGovernor}, ticked on shard 0 every 100 ms). Shard 0
 * owns the service load balancer; the others hand it, through a {@link Handoff} ring, the
 * frames it must see.
 *
 * <p>Lifecycle, from the agent's side:
 * <pre>
 *   Vtep vtep = Vtep.create(VtepConfig.builder(advertiseAddress).build());
 *   hostNetns.call(() -&gt; { vtep.bind(); return null; });   // sockets live in the host namespace
 *   TapPort port = vtep.attach(TapPort.openTap("tap0", true), vni);
 *   vtep.publish(tables);       // with port.id() as the local port of the task's MAC
 *   ...
 *   vtep.detach(port);          // closes the TAP
 *   vtep.close();
 * </pre>
 * Every method may be called from any thread but the event loops'; they block until the
 * loops have done the work. {@link #publish} is one volatile write and never blocks.
 */
public final class Vtep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vtep.class);
    /** Time a lifecycle step may take before it is reported as failed. */
    private static final long STEP_TIMEOUT_SECONDS = 10;
    /** Receive buffer: room for a GRO batch of datagrams (at most 64 KiB of UDP payload). */
    private static final int RECEIVE_BUFFER = 65536;
    /**
     * Datagrams (GRO batches) read per readiness before the loop turns to its other work:
     * Netty's default for datagram channels. A {@code FixedRecvByteBufAllocator} made by
     * hand reads one unless told: every 64 KiB batch then cost a round of the loop, and TCP
     * task to task ran at 7.3 Gbit/s against 8.0-8.5 with 16 (64: 8.3-8.7, 4: 8.1, 2: 7.8).
     */
    static final int RECEIVE_BATCH = 16;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

    /**
     * Frames and datagrams longer than this go to a shard by their flow's hash, shorter ones
     * to the shard of the CPU they arrive on ({@link CpuSteering}): a TSO super-frame or a GRO
     * batch is bulk, a ping, a request or an ACK is not.
     */
    static final int BULK_BYTES = 512;
    /**
     * Frames a shard may have queued for the owner of the load balancer: more than a batch
     * of reads (a TAP's budget of 64 frames, 16 GRO batches of a socket) from every port.
     */
    private static final int HANDOFF_SLOTS = 1024;
    /** The most shards a VTEP makes on its own (one per CPU, up to this). */
    static final int MAX_AUTO_SHARDS = 16;

    private final VtepConfig config;
    private final MultiThreadIoEventLoopGroup group;
    /** One per CPU the data path runs on; shard 0 owns the load balancer. */
    private final Shard[] shards;
    private final VtepCounters counters;
    private final AtomicInteger portIds = new AtomicInteger();
    private final List<Channel> channels = new ArrayList<>();
    /** Attached ports (by the port {@link #attach} returned), so {@link #close} can detach them itself. */
    private final Map<TapPort, SwitchPort[]> ports = new ConcurrentHashMap<>();
    /** True once {@link #bind} made the data paths. */
    private volatile boolean bound;
    private volatile OverlayTables tables = OverlayTables.EMPTY;
    /** The service VIP load balancer, run by shard 0; its tables may be published before {@link #bind}. */
    private final NatStage lb;
    private InetSocketAddress localAddress;
    private boolean closed;
    /** The CPU of each shard ({@code -1}: one shard, unpinned). */
    private final int[] cpus;

    /*
     * A sharded VTEP's kernel steering, switched by the governor on shard 0's loop: the
     * programs (loaded by bind), the first queue of every multi-queue TAP (the device's
     * steering program is set through any of its queues), the VXLAN socket whose
     * SO_REUSEPORT group takes the socket program, and the mode in force. Attaching,
     * detaching and switching hold steeringLock, so no TAP is left with the other mode's
     * program and no closed queue is touched.
     */
    private final Object steeringLock = new Object();
    /** Guarded by steeringLock. */
    private final Map<TapPort, TapDevice> steeredTaps = new java.util.HashMap<>();
    private final SteeringGovernor governor;
    private CpuSteering.BpfProgram byCpuProgram;
    private CpuSteering.BpfProgram toOwnerProgram;
    private int reusePortFd = -1;
    private boolean steeringByCpu = true;
    private long steeringSwitches;
    private boolean steeringClosed;

    /**
     * One event loop of the data path and what it owns: its CPU, its queue of every TAP,
     * its socket in the data-path port's {@code SO_REUSEPORT} group, its sending sockets
     * and its {@link DataPath}.
     */
    private static final class Shard {
        final int index;
        final IoEventLoop loop;
        final ByteBuf tapReadBuffer = Unpooled.directBuffer(DataPath.MAX_TAP_FRAME, DataPath.MAX_TAP_FRAME);
        final BatchClock clock;
        /** Set once by {@link #bind}; read by the event loop through the ports' frame handler. */
        volatile DataPath path;
        /** To shard 0; {@code null} in shard 0. */
        Handoff handoff;
        final FrameHandler frames = new FrameHandler() {
            @Override
            public void onFrame(SwitchPort from, ByteBuf buf, int offset, int length) {
                path.fromPort(from, buf, offset, length);
            }

            @Override
            public void onBatchEnd() {
                path.flush();
            }
        };

        Shard(int index, IoEventLoop loop, BatchClock clock) {
            this.index = index;
            this.loop = loop;
            this.clock = clock;
        }
    }

    private Vtep(VtepConfig config) {
        this.config = config;
        Transport transport = config.transport();
        if (!transport.isAvailable()) {
            throw new IllegalStateException(transport + " is not available", transport.unavailabilityCause());
        }
        int[] cpus = shardCpus(config);
        this.cpus = cpus;
        this.governor = new SteeringGovernor(config.gatherAbove());
        this.group = new MultiThreadIoEventLoopGroup(cpus.length, new DefaultThreadFactory("swarmnet-vtep", true),
                transport.ioHandlerFactory());
        BatchClock ownerClock = new BatchClock(System::nanoTime);
        this.lb = new NatStage(config.loadBalancer(), ownerClock);
        this.counters = new VtepCounters(cpus.length);
        this.shards = new Shard[cpus.length];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, (IoEventLoop) group.next(), i == 0 ? ownerClock : new BatchClock(System::nanoTime));
        }
        // Synchronously: an operator who named the CPUs must learn at start that the loop
        // cannot run there; and a shard must run on its CPU for the kernel's steering to mean
        // anything. One shard without named CPUs goes wherever the scheduler puts it.
        boolean pin = config.cpus() != null || shards.length > 1;
        for (Shard shard : shards) {
            CpuSet mask = cpus.length == 1 ? config.cpus() : CpuSet.of(cpus[shard.index]);
            if (!pin || mask == null) {
                continue;
            }
            Future<?> pinned = shard.loop.submit(() -> {
                Resource.setThreadAffinity(mask);
                return null;
            });
            try {
                await(pinned, "pin the VTEP event loop to CPUs " + mask);
            } catch (IOException e) {
                group.shutdownGracefully(0, STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .awaitUninterruptibly(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                releaseBuffers();
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        int nice = config.threadNice();
        if (nice != 0) {
            for (Shard shard : shards) {
                shard.loop.execute(() -> {
                    try {
                        Resource.setThreadNice(nice);
                    } catch (IOException e) {
                        LOG.warn("VTEP event loop keeps the default priority, nice {} was refused: {}", nice, e.getMessage());
                    }
                });
            }
        }
    }

    /**
     * The CPUs of the shards, shard {@code i} on the {@code i}-th: one per CPU of
     * {@link VtepConfig#cpus()}, up to {@link #MAX_AUTO_SHARDS}; or a single unnamed one
     * ({@code {-1}}) when no CPUs are named (the default: one loop wherever the scheduler
     * puts it), when the kernel's steering cannot name them (a CPU's queue and socket are
     * {@code cpu % shards}, which must reach each shard once), when the transport is
     * io_uring, or when {@link VtepConfig#loops()} asks for one.
     */
    static int[] shardCpus(VtepConfig config) {
        CpuSet allowed = config.cpus();
        if (allowed == null) {
            return new int[] {-1};
        }
        int[] cpus = allowed.toArray();
        int n = Math.min(cpus.length, MAX_AUTO_SHARDS);
        if (config.loops() == 1 || config.transport() != Transport.EPOLL || n < 2) {
            return new int[] {-1};
        }
        // Beyond MAX_AUTO_SHARDS CPUs, the first CPU of each queue gets its shard and the
        // others' packets go to it.
        int[] byQueue = new int[n];
        java.util.Arrays.fill(byQueue, -1);
        for (int cpu : cpus) {
            if (byQueue[cpu % n] == -1) {
                byQueue[cpu % n] = cpu;
            } else if (cpus.length <= MAX_AUTO_SHARDS) {
                LOG.info("one VTEP event loop: CPUs {} do not map one to one onto {} queues", allowed, n);
                return new int[] {-1};
            }
        }
        for (int cpu : byQueue) {
            if (cpu == -1) {
                LOG.info("one VTEP event loop: CPUs {} leave a queue of {} without a CPU", allowed, n);
                return new int[] {-1};
            }
        }
        return byQueue;
    }

    /** Starts a VTEP's event loops; nothing is bound or attached yet. */
    public static Vtep create(VtepConfig config) {
        return new Vtep(config);
    }

    /** Returns the configuration. */
    public VtepConfig config() {
        return config;
    }

    /** Returns how many event loops (shards) the data path runs on. */
    public int loops() {
        return shards.length;
    }

    /**
     * Opens the UDP sockets in the calling thread's network namespace (run it inside
     * {@code Netns.call} for a host namespace) and binds them to the advertise address: per
     * shard, one in the data-path port's {@code SO_REUSEPORT} group for receiving, and
     * {@link VtepConfig#sourcePorts()} ephemeral ports to send from.
     *
     * @throws IOException if a socket cannot be bound, e.g. the address is not local
     * @throws IllegalStateException if already bound or closed
     */
    public synchronized void bind() throws IOException {
        if (closed || bound) {
            throw new IllegalStateException(closed ? "VTEP is closed" : "VTEP is bound already");
        }
        Transport transport = config.transport();
        boolean gso = config.udpGso() && transport.supportsGso();
        InetAddress address = toInetAddress(config.advertiseAddress());
        boolean success = false;
        try {
            Shard owner = shards[0];
            DatagramChannel firstReceiver = null;
            for (Shard shard : shards) {
                // Senders first: the data path needs them, and the receiver must not take a
                // datagram before there is a data path to hand it to.
                Channel[] senders = new Channel[config.sourcePorts()];
                for (int i = 0; i < senders.length; i++) {
                    DatagramChannel sender = transport.newDatagramChannel();
                    channels.add(sender);
                    sender.config().setAllocator(PooledByteBufAllocator.DEFAULT);
                    sender.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
                    sender.config().setWriteBufferWaterMark(WATER_MARK);
                    await(shard.loop.register(sender), "register UDP socket");
                    await(sender.bind(new InetSocketAddress(address, 0)), "bind a source port");
                    senders[i] = sender;
                }
                UdpUnderlay underlay = new UdpUnderlay(senders, config.dataPathPort(), gso);
                VtepCounters stripe = counters.stripe(shard.index);
                if (shard == owner) {
                    shard.path = new DataPath(stripe, underlay, lb, shard.clock);
                    shard.loop.scheduleAtFixedRate(shard.path::housekeep, 1, 1, TimeUnit.SECONDS);
                } else {
                    DataPath ownerPath = owner.path;
                    shard.handoff = new Handoff(HANDOFF_SLOTS, DataPath.MAX_TAP_FRAME, owner.loop, new Handoff.Sink() {
                        @Override
                        public void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
                            ownerPath.fromHandoff(kind, vni, port, buf, offset, length);
                        }

                        @Override
                        public void drained() {
                            ownerPath.flush();
                        }
                    });
                    shard.path = new DataPath(stripe, underlay, lb, shard.clock, shard.handoff);
                }
                shard.path.publish(tables);
                UnderlayHandler handler = new UnderlayHandler(shard.path);
                for (Channel sender : senders) {
                    sender.pipeline().addLast(handler);
                }
                DatagramChannel receiver = transport.newDatagramChannel();
                channels.add(receiver);
                // Netty 4.2's default adaptive allocator makes a ByteBuffer per slice for
                // internalNioBuffer; the pooled one reuses the chunk's, so checksums allocate nothing.
                receiver.config().setAllocator(PooledByteBufAllocator.DEFAULT);
                receiver.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER);
                receiver.config().setRecvByteBufAllocator(receiveAllocator());
                if (config.udpGro()) {
                    transport.enableGro(receiver);
                }
                if (shards.length > 1) {
                    // Bound in shard order: the group's index of a socket is its shard's.
                    receiver.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
                }
                receiver.pipeline().addLast(handler);
                await(shard.loop.register(receiver), "register UDP socket");
                await(receiver.bind(new InetSocketAddress(address, config.dataPathPort())), "bind "
                        + Ipv4Address.toString(config.advertiseAddress()) + ":" + config.dataPathPort());
                if (firstReceiver == null) {
                    firstReceiver = receiver;
                }
            }
            if (shards.length > 1) {
                synchronized (steeringLock) {
                    reusePortFd = ((EpollDatagramChannel) firstReceiver).fd().intValue();
                    CpuSteering.attachReusePortByCpu(reusePortFd, shards.length, BULK_BYTES);
                    byCpuProgram = CpuSteering.queueByCpu(BULK_BYTES);
                    toOwnerProgram = CpuSteering.queueFixed(0);
                }
                owner.loop.scheduleAtFixedRate(this::governSteering, SteeringGovernor.TICK_MILLIS,
                        SteeringGovernor.TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
            bound = true;
            localAddress = (InetSocketAddress) firstReceiver.localAddress();
            LOG.info("VTEP bound to {} ({}, GSO {}, {} event loop{})", localAddress, config, gso, shards.length,
                    shards.length == 1 ? "" : "s, one per CPU");
            success = true;
        } finally {
            if (!success) {
                closeChannels();
            }
        }
    }

    /** How the VXLAN socket reads: one GRO batch a buffer, {@link #RECEIVE_BATCH} a readiness. */
    static MaxMessagesRecvByteBufAllocator receiveAllocator() {
        return new FixedRecvByteBufAllocator(RECEIVE_BUFFER).maxMessagesPerRead(RECEIVE_BATCH);
    }

    /**
     * Returns how many datagrams the bound VXLAN socket (the last channel bound) reads per
     * readiness, for tests; 0 before {@link #bind}.
     */
    synchronized int receiveBatch() {
        return !bound ? 0 : ((MaxMessagesRecvByteBufAllocator) channels.get(channels.size() - 1).config()
                .getRecvByteBufAllocator()).maxMessagesPerRead();
    }

    /** Returns the address VXLAN is received on, or {@code null} before {@link #bind}. */
    public synchronized InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Attaches {@code tap} (opened with {@link TapPort#openTap}) to network {@code vni}: its
     * frames are switched within that network from now on. The port owns the TAP. A TAP
     * with one queue is read by shard 0 alone; see {@link #attachQueues}.
     *
     * @return the port; the tables name it by {@link TapPort#id()}
     * @throws IllegalArgumentException if the TAP has no 10-byte virtio header or the VNI is not 24 bits
     * @throws IllegalStateException if the VTEP is not bound or is closed
     */
    public TapPort attach(TapDevice tap, int vni) throws IOException {
        return attachQueues(tap == null ? null : List.of(tap), vni);
    }

    /**
     * Attaches the queues of one TAP ({@link TapPort#openTapQueues}, as many as
     * {@link #loops()} for the best) to network {@code vni}: shard {@code i} reads queue
     * {@code i} and writes to it, a shard beyond the queues writes to queue
     * {@code i % queues}. With more than one queue the TAP steers small frames by the
     * sending CPU and bulk by flow ({@link CpuSteering#queueByCpu(int)}), or everything to
     * queue 0 while the VTEP gathers heavy traffic there. The port owns the queues, and
     * closes them all on failure.
     *
     * @return the port of the first queue: the one to {@link #detach}
     * @throws IllegalArgumentException if a queue has no 10-byte virtio header or the VNI is not 24 bits
     * @throws IllegalStateException if the VTEP is not bound or is closed
     */
    public TapPort attachQueues(List<TapDevice> queues, int vni) throws IOException {
        if (vni < 0 || vni > 0xFF_FFFF || queues == null || queues.isEmpty() || queues.size() > shards.length) {
            closeAll(queues);
            throw new IllegalArgumentException(vni < 0 || vni > 0xFF_FFFF ? "VNI " + vni + " is not a 24-bit value"
                    : "attach 1 to " + shards.length + " TAP queues, one per event loop, not "
                    + (queues == null ? 0 : queues.size()));
        }
        try {
            boundDataPath();
        } catch (IllegalStateException e) {
            closeAll(queues);
            throw e;
        }
        counters.forVni(vni);
        int id = portIds.incrementAndGet();
        SwitchPort[] parts = new SwitchPort[shards.length];
        boolean success = false;
        try {
            for (int i = 0; i < queues.size(); i++) {
                parts[i] = new TapPort(queues.get(i), id, vni, shards[i].frames);
            }
            for (int i = queues.size(); i < shards.length; i++) {
                parts[i] = parts[i % queues.size()];
            }
            if (queues.size() > 1) {
                synchronized (steeringLock) {
                    queues.get(0).setSteeringProgram(steeringByCpu ? byCpuProgram : toOwnerProgram);
                    steeredTaps.put((TapPort) parts[0], queues.get(0));
                }
            }
            for (Shard shard : shards) {
                SwitchPort part = parts[shard.index];
                DataPath path = shard.path;
                await(shard.loop.submit(() -> path.addPort(part)), "add port");
            }
            for (int i = 0; i < queues.size(); i++) {
                Shard shard = shards[i];
                await(((TapPort) parts[i]).start(shard.loop, shard.tapReadBuffer), "poll " + queues.get(i).name());
            }
            TapPort port = (TapPort) parts[0];
            ports.put(port, parts);
            success = true;
            return port;
        } finally {
            if (!success) {
                unsteer((TapPort) parts[0]);
                stopParts(parts);
                closeAll(queues);
            }
        }
    }

    private static void closeAll(List<TapDevice> queues) {
        if (queues == null) {
            return;
        }
        for (TapDevice queue : queues) {
            try {
                queue.close();
            } catch (IOException e) {
                LOG.warn("closing {}: {}", queue, e.toString());
            }
        }
    }

    /** Detaches {@code port} and closes its TAP; detaching a detached port does nothing. */
    public void detach(TapPort port) throws IOException {
        boundDataPath();
        unsteer(port);
        SwitchPort[] parts = ports.remove(port);
        if (parts != null) {
            stopParts(parts);
        } else {
            await(port.stop(), "close " + port.name());
        }
    }

    /** Forgets the TAP of {@code port} before its queues are closed; {@code port} may be null. */
    private void unsteer(TapPort port) {
        if (port == null) {
            return;
        }
        synchronized (steeringLock) {
            steeredTaps.remove(port);
        }
    }

    /** Ticks the governor with the packets so far; on shard 0's loop. */
    private void governSteering() {
        boolean byCpu = governor.tick(packetTotal(), System.nanoTime());
        if (byCpu != steeringByCpu()) {
            setSteering(byCpu);
        }
    }

    /** Packets in, out and between local ports, of every network, so far. */
    private long packetTotal() {
        long total = 0;
        for (NetworkCounters network : counters.networks()) {
            total += network.rxPackets() + network.txPackets() + network.localPackets();
        }
        return total;
    }

    /**
     * Whether the kernel steers each packet to the shard of its CPU (light traffic) rather
     * than all to shard 0 (heavy traffic; see {@link SteeringGovernor}). Always true for a
     * VTEP of one loop.
     */
    public boolean steeringByCpu() {
        synchronized (steeringLock) {
            return steeringByCpu;
        }
    }

    /** How many times the governor switched the steering, either way. */
    public long steeringSwitches() {
        synchronized (steeringLock) {
            return steeringSwitches;
        }
    }

    /**
     * Points the kernel's steering of every multi-queue TAP and of the VXLAN socket group
     * at the shard of each packet's CPU ({@code byCpu}) or at shard 0, and lets shard 0 run
     * on its CPU alone or on any of the VTEP's. Runs on shard 0's loop: the affinity is its
     * thread's. A TAP the kernel refuses keeps its program and is logged; its packets still
     * reach a shard that serves them.
     */
    void setSteering(boolean byCpu) {
        synchronized (steeringLock) {
            if (steeringClosed || byCpu == steeringByCpu) {
                return;
            }
            steeringByCpu = byCpu;
            steeringSwitches++;
            try {
                if (byCpu) {
                    CpuSteering.attachReusePortByCpu(reusePortFd, shards.length, BULK_BYTES);
                } else {
                    CpuSteering.attachReusePortFixed(reusePortFd, 0);
                }
            } catch (IOException e) {
                LOG.warn("VXLAN socket group keeps its steering: {}", e.getMessage());
            }
            CpuSteering.BpfProgram program = byCpu ? byCpuProgram : toOwnerProgram;
            for (TapDevice tap : steeredTaps.values()) {
                try {
                    tap.setSteeringProgram(program);
                } catch (IOException e) {
                    LOG.warn("TAP {} keeps its steering: {}", tap.name(), e.getMessage());
                }
            }
        }
        CpuSet mask = byCpu ? CpuSet.of(cpus[0]) : config.cpus();
        try {
            Resource.setThreadAffinity(mask);
        } catch (IOException e) {
            LOG.warn("VTEP event loop 0 stays where it was, not on CPUs {}: {}", mask, e.getMessage());
        }
        LOG.debug("VTEP steering {}", byCpu ? "by CPU" : "to event loop 0");
    }

    /** Takes the port out of every shard's switch before any of its queues is closed. */
    private void stopParts(SwitchPort[] parts) throws IOException {
        for (Shard shard : shards) {
            SwitchPort part = parts[shard.index];
            DataPath path = shard.path;
            if (part != null && path != null) {
                await(shard.loop.submit(() -> path.removePort(part)), "remove port");
            }
        }
        Set<SwitchPort> stopped = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SwitchPort part : parts) {
            if (part instanceof TapPort && stopped.add(part)) {
                await(((TapPort) part).stop(), "close " + ((TapPort) part).name());
            }
        }
    }

    /**
     * Makes {@code tables} the ones every following packet is forwarded by, unless tables of
     * a higher version are published already (a late reconciler must not roll them back).
     *
     * @return whether the tables were taken
     */
    public synchronized boolean publish(OverlayTables tables) {
        if (tables.version() < this.tables.version()) {
            return false;
        }
        for (NetworkTable network : tables.networks()) {
            counters.forVni(network.vni());
        }
        this.tables = tables;
        for (Shard shard : shards) {
            if (shard.path != null) {
                shard.path.publish(tables);
            }
        }
        return true;
    }

    /**
     * Sets the tap that sees every inner frame from now on, or removes it with null; it is
     * called from every shard's loop.
     *
     * @throws IllegalStateException before {@link #bind()}
     */
    public void tap(FrameTap tap) {
        boundDataPath();
        for (Shard shard : shards) {
            shard.path.tap(tap);
        }
    }

    /**
     * Runs {@code task} on the event loop of shard 0 and returns its result: the way to read
     * state that loop owns alone (the load balancer's conntrack) consistently, for inspection.
     *
     * @throws IOException when the loop does not run it in time or it fails
     */
    public <T> T onEventLoop(java.util.concurrent.Callable<T> task) throws IOException {
        io.netty.util.concurrent.Future<T> result = shards[0].loop.submit(task);
        await(result, "inspect the data path");
        return result.getNow();
    }

    /** Returns the tables in force. */
    public OverlayTables tables() {
        return tables;
    }

    /**
     * Makes {@code services} the VIPs the load balancer serves from the next packet on,
     * unless a table of a higher version is in force already; returns whether it was taken.
     * Flows whose backend left are reset (TCP) or moved (UDP) within about a second.
     */
    public synchronized boolean publish(ServiceTable services) {
        if (services.version() < lb.table().version()) {
            return false;
        }
        lb.publish(services);
        return true;
    }

    /** Returns the load balancer: its table, counters and conntrack counters, readable from any thread. */
    public NatStage loadBalancer() {
        return lb;
    }

    /** Returns the traffic counters; readable from any thread at any time. */
    public VtepCounters counters() {
        return counters;
    }

    /** Closes the sockets and every port still attached, and stops the event loops. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (steeringLock) {
            steeringClosed = true;
            steeredTaps.clear();
        }
        try {
            if (bound) {
                for (SwitchPort[] parts : ports.values()) {
                    stopParts(parts);
                }
                ports.clear();
            }
            closeChannels();
        } finally {
            Future<?> shutdown = group.shutdownGracefully(0, STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            await(shutdown, "stop the event loops");
            // The loops have ended: their ports were closed as they deregistered them, and
            // no packet can touch the scratch buffers any more.
            for (Shard shard : shards) {
                if (shard.path != null) {
                    shard.path.release();
                }
            }
            releaseBuffers();
            closePrograms();
        }
    }

    private void closePrograms() {
        synchronized (steeringLock) {
            for (CpuSteering.BpfProgram program : new CpuSteering.BpfProgram[] {byCpuProgram, toOwnerProgram}) {
                if (program != null) {
                    try {
                        program.close();
                    } catch (IOException e) {
                        LOG.warn("{}", e.getMessage());
                    }
                }
            }
        }
    }

    private void releaseBuffers() {
        for (Shard shard : shards) {
            shard.tapReadBuffer.release();
            if (shard.handoff != null) {
                shard.handoff.release();
            }
        }
    }

    private synchronized void boundDataPath() {
        if (closed) {
            throw new IllegalStateException("VTEP is closed");
        }
        if (!bound) {
            throw new IllegalStateException("VTEP is not bound");
        }
    }

    private void closeChannels() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        channels.clear();
    }

    private static void await(Future<?> future, String what) throws IOException {
        try {
            if (!future.await(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException(what + ": timed out after " + STEP_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted");
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof IOException) {
                throw new IOException(what + ": " + cause.getMessage(), cause);
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(what + ": " + cause, cause);
        }
    }

    private static InetAddress toInetAddress(int ip) {
        byte[] bytes = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }

    /**
     * Feeds datagrams from every socket of this VTEP to the data path. The sending sockets
     * get it too: whatever arrives on them passes the same checks.
     */
    @ChannelHandler.Sharable
    private final class UnderlayHandler extends ChannelInboundHandlerAdapter {
        private final DataPath dataPath;

        UnderlayHandler(DataPath dataPath) {
            this.dataPath = dataPath;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                InetAddress sender = packet.sender().getAddress();
                // WARNING: Inet4Address.hashCode() is the address as an int in network order
                // (java.net's contract since 1.0); it spares getAddress() and its byte[].
                int src = sender instanceof Inet4Address ? sender.hashCode() : 0;
                ByteBuf content = packet.content();
                dataPath.fromPeer(src, content, content.readerIndex(), content.readableBytes());
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            dataPath.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counters.node().drop(DropReason.UNDERLAY_ERROR);
            LOG.debug("UDP socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
