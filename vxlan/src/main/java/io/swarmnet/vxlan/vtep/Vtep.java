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
import io.swarmnet.sys.CpuSet;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user-space VXLAN tunnel endpoint (RFC 7348): the overlay data plane of one node. TAP
 * ports of local tasks and the UDP sockets of the underlay share one Netty event loop,
 * which switches frames per VNI by the published {@link OverlayTables}.
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
 * Every method may be called from any thread but the event loop's; they block until the
 * loop has done the work. {@link #publish} is one volatile write and never blocks.
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

    private final VtepConfig config;
    private final MultiThreadIoEventLoopGroup group;
    private final IoEventLoop loop;
    private final VtepCounters counters = new VtepCounters();
    private final AtomicInteger portIds = new AtomicInteger();
    private final List<Channel> channels = new ArrayList<>();
    /** Attached ports, so {@link #close} can detach them itself rather than leave it to the loop's teardown. */
    private final Set<TapPort> ports = ConcurrentHashMap.newKeySet();
    private final ByteBuf tapReadBuffer;
    private final FrameHandler frames;
    /** Set once by {@link #bind}; read by the event loop through the ports' frame handler. */
    private volatile DataPath dataPath;
    private volatile OverlayTables tables = OverlayTables.EMPTY;
    /** The service VIP load balancer; its tables may be published before {@link #bind}. */
    private final NatStage lb;
    /** The load balancer's clock, read once per batch of the data path. */
    private final BatchClock clock;
    private InetSocketAddress localAddress;
    private boolean closed;

    private Vtep(VtepConfig config) {
        this.config = config;
        Transport transport = config.transport();
        if (!transport.isAvailable()) {
            throw new IllegalStateException(transport + " is not available", transport.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("swarmnet-vtep", true),
                transport.ioHandlerFactory());
        this.loop = group.next();
        CpuSet cpus = config.cpus();
        if (cpus != null) {
            // Synchronously: an operator who named the CPUs must learn at start that the loop cannot run there.
            Future<?> pinned = loop.submit(() -> {
                Resource.setThreadAffinity(cpus);
                return null;
            });
            try {
                await(pinned, "pin the VTEP event loop to CPUs " + cpus);
            } catch (IOException e) {
                group.shutdownGracefully(0, STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .awaitUninterruptibly(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        int nice = config.threadNice();
        if (nice != 0) {
            loop.execute(() -> {
                try {
                    Resource.setThreadNice(nice);
                } catch (IOException e) {
                    LOG.warn("VTEP event loop keeps the default priority, nice {} was refused: {}", nice, e.getMessage());
                }
            });
        }
        this.tapReadBuffer = Unpooled.directBuffer(DataPath.MAX_TAP_FRAME, DataPath.MAX_TAP_FRAME);
        this.clock = new BatchClock(System::nanoTime);
        this.lb = new NatStage(config.loadBalancer(), clock);
        this.frames = new FrameHandler() {
            @Override
            public void onFrame(SwitchPort from, ByteBuf buf, int offset, int length) {
                dataPath.fromPort(from, buf, offset, length);
            }

            @Override
            public void onBatchEnd() {
                dataPath.flush();
            }
        };
    }

    /** Starts a VTEP's event loop; nothing is bound or attached yet. */
    public static Vtep create(VtepConfig config) {
        return new Vtep(config);
    }

    /** Returns the configuration. */
    public VtepConfig config() {
        return config;
    }

    /**
     * Opens the UDP sockets in the calling thread's network namespace (run it inside
     * {@code Netns.call} for a host namespace) and binds them to the advertise address: the
     * data-path port for receiving, and {@link VtepConfig#sourcePorts()} ephemeral ports to
     * send from.
     *
     * @throws IOException if a socket cannot be bound, e.g. the address is not local
     * @throws IllegalStateException if already bound or closed
     */
    public synchronized void bind() throws IOException {
        if (closed || dataPath != null) {
            throw new IllegalStateException(closed ? "VTEP is closed" : "VTEP is bound already");
        }
        Transport transport = config.transport();
        boolean gso = config.udpGso() && transport.supportsGso();
        InetAddress address = toInetAddress(config.advertiseAddress());
        boolean success = false;
        try {
            // Senders first: the data path needs them, and the receiver must not take a
            // datagram before there is a data path to hand it to.
            Channel[] senders = new Channel[config.sourcePorts()];
            for (int i = 0; i < senders.length; i++) {
                DatagramChannel sender = transport.newDatagramChannel();
                channels.add(sender);
                sender.config().setAllocator(PooledByteBufAllocator.DEFAULT);
                sender.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
                sender.config().setWriteBufferWaterMark(WATER_MARK);
                await(loop.register(sender), "register UDP socket");
                await(sender.bind(new InetSocketAddress(address, 0)), "bind a source port");
                senders[i] = sender;
            }
            DataPath path = new DataPath(counters, new UdpUnderlay(senders, config.dataPathPort(), gso), lb, clock);
            path.publish(tables);
            loop.scheduleAtFixedRate(path::housekeep, 1, 1, TimeUnit.SECONDS);
            UnderlayHandler handler = new UnderlayHandler(path);
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
            receiver.pipeline().addLast(handler);
            await(loop.register(receiver), "register UDP socket");
            await(receiver.bind(new InetSocketAddress(address, config.dataPathPort())), "bind "
                    + Ipv4Address.toString(config.advertiseAddress()) + ":" + config.dataPathPort());
            dataPath = path;
            localAddress = (InetSocketAddress) receiver.localAddress();
            LOG.info("VTEP bound to {} ({}, GSO {})", localAddress, config, gso);
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
        return dataPath == null ? 0 : ((MaxMessagesRecvByteBufAllocator) channels.get(channels.size() - 1).config()
                .getRecvByteBufAllocator()).maxMessagesPerRead();
    }

    /** Returns the address VXLAN is received on, or {@code null} before {@link #bind}. */
    public synchronized InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Attaches {@code tap} (opened with {@link TapPort#openTap}) to network {@code vni}: its
     * frames are switched within that network from now on. The port owns the TAP.
     *
     * @return the port; the tables name it by {@link TapPort#id()}
     * @throws IllegalArgumentException if the TAP has no 10-byte virtio header or the VNI is not 24 bits
     * @throws IllegalStateException if the VTEP is not bound or is closed
     */
    public TapPort attach(TapDevice tap, int vni) throws IOException {
        if (vni < 0 || vni > 0xFF_FFFF) {
            throw new IllegalArgumentException("VNI " + vni + " is not a 24-bit value");
        }
        DataPath path = boundDataPath();
        counters.forVni(vni);
        TapPort port = new TapPort(tap, portIds.incrementAndGet(), vni, frames);
        boolean success = false;
        try {
            await(loop.submit(() -> path.addPort(port)), "add port");
            await(port.start(loop, tapReadBuffer), "poll " + tap.name());
            ports.add(port);
            success = true;
            return port;
        } finally {
            if (!success) {
                loop.execute(() -> path.removePort(port));
                port.stop();
            }
        }
    }

    /** Detaches {@code port} and closes its TAP; detaching a detached port does nothing. */
    public void detach(TapPort port) throws IOException {
        DataPath path = boundDataPath();
        stop(path, port);
    }

    private void stop(DataPath path, TapPort port) throws IOException {
        await(loop.submit(() -> path.removePort(port)), "remove port");
        await(port.stop(), "close " + port.name());
        ports.remove(port);
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
        if (dataPath != null) {
            dataPath.publish(tables);
        }
        return true;
    }

    /**
     * Sets the tap that sees every inner frame from now on, or removes it with null.
     *
     * @throws IllegalStateException before {@link #bind()}
     */
    public void tap(FrameTap tap) {
        boundDataPath().tap(tap);
    }

    /**
     * Runs {@code task} on the event loop and returns its result: the way to read state the
     * loop owns alone (the load balancer's conntrack) consistently, for inspection.
     *
     * @throws IOException when the loop does not run it in time or it fails
     */
    public <T> T onEventLoop(java.util.concurrent.Callable<T> task) throws IOException {
        io.netty.util.concurrent.Future<T> result = loop.submit(task);
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

    /** Closes the sockets and every port still attached, and stops the event loop. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            DataPath bound = dataPath;
            for (TapPort port : ports) {
                stop(bound, port);
            }
            closeChannels();
        } finally {
            DataPath path = dataPath;
            Future<?> shutdown = group.shutdownGracefully(0, STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            await(shutdown, "stop the event loop");
            // The loop has ended: its ports were closed as it deregistered them, and no
            // packet can touch the scratch buffers any more.
            if (path != null) {
                path.release();
            }
            tapReadBuffer.release();
        }
    }

    private synchronized DataPath boundDataPath() {
        if (closed) {
            throw new IllegalStateException("VTEP is closed");
        }
        if (dataPath == null) {
            throw new IllegalStateException("VTEP is not bound");
        }
        return dataPath;
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
