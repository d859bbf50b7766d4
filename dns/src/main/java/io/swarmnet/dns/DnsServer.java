package io.swarmnet.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded resolver: one event loop serving every task of the node, each through a
 * {@link DnsEndpoint} whose sockets live in the task's namespace.
 *
 * <p>Design notes. A socket belongs to the namespace of the thread that creates it, so
 * {@link #open} constructs the Netty channels (which create their sockets in the
 * constructor) on a thread inside the task's namespace ({@link Netns#call}), then
 * registers and binds them from this side: 127.0.0.11:53 exists in every task at once
 * without any address or route in the host. Queries from one endpoint are answered from
 * the networks of its task only, the scoping Docker has.
 */
public final class DnsServer implements AutoCloseable {
    /** Where a task finds its resolver, as in Docker. */
    public static final InetSocketAddress TASK_ADDRESS = new InetSocketAddress(loopback11(), 53);
    /** How many TCP clients one task may hold open at once; more are closed at accept. */
    static final int MAX_TCP_CLIENTS = 64;
    /** A TCP client idle this long is closed (RFC 7766 suggests seconds). */
    static final int TCP_IDLE_SECONDS = 10;
    static final long CLOSE_WAIT_MILLIS = 2_000;
    /** The largest UDP query read whole; longer ones arrive cut and get FORMERR. */
    static final int MAX_QUERY = 4096;

    private final DnsQueryHandler handler;
    private final DnsForwarder forwarder;
    private final MultiThreadIoEventLoopGroup group;

    /** A server with its own event loop, forwarding through {@code forwarder}. */
    public DnsServer(DnsConfig config, DnsForwarder forwarder, DnsCounters counters) {
        Epoll.ensureAvailability();
        this.forwarder = forwarder;
        this.handler = new DnsQueryHandler(config, forwarder, counters);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("swarmnet-dns", true),
                EpollIoHandler.newFactory());
    }

    /** A server forwarding to {@code config}'s upstreams. */
    public static DnsServer start(DnsConfig config) {
        DnsCounters counters = new DnsCounters();
        return new DnsServer(config, new DefaultDnsForwarder(config, counters), counters);
    }

    /** Replaces the internal names, for every task at once. */
    public void publish(DnsTable table) {
        handler.publish(table);
    }

    public DnsTable table() {
        return handler.table();
    }

    public DnsCounters counters() {
        return handler.counters();
    }

    /**
     * Opens UDP and TCP sockets on {@code address} inside {@code netns} (null: the
     * caller's namespace) answering for {@code networks}. The namespace's {@code lo} must
     * be up. A port of 0 picks one, the same for both.
     *
     * @throws IOException when the namespace cannot be entered or the address not bound
     */
    public DnsEndpoint open(Netns netns, InetSocketAddress address, List<String> networks) throws IOException {
        Channel[] channels = netns == null ? newChannels() : netns.call(DnsServer::newChannels);
        Channel udp = channels[0];
        Channel tcp = channels[1];
        ChannelGroup clients = new DefaultChannelGroup(group.next());
        boolean success = false;
        try {
            List<String> scope = List.copyOf(networks);
            sync(new Bootstrap().group(group).channelFactory(() -> udp)
                    // recvmmsg: up to 16 queries per system call, each at most MAX_QUERY bytes,
                    // and up to 16 such calls per readiness (an allocator made by hand reads
                    // once unless told, not the channel's default of 16).
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * 16)
                            .maxMessagesPerRead(16))
                    .handler(new DatagramDnsQueryHandler(handler, scope))
                    .bind(address), address, netns);
            InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
            TcpDnsQueryHandler tcpHandler = new TcpDnsQueryHandler(handler, scope);
            sync(new ServerBootstrap().group(group).channelFactory(() -> (EpollServerSocketChannel) tcp)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (clients.size() >= MAX_TCP_CLIENTS) {
                                ch.close();
                                return;
                            }
                            clients.add(ch);
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, TCP_IDLE_SECONDS, TimeUnit.SECONDS),
                                    new LengthFieldBasedFrameDecoder(DnsQueryHandler.MAX_TCP_SIZE + 2, 0, 2, 0, 2),
                                    tcpHandler);
                        }
                    })
                    .bind(bound), bound, netns);
            success = true;
            return new DnsEndpoint(udp, tcp, clients, scope);
        } finally {
            if (!success) {
                tcp.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
                udp.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
            }
        }
    }

    private static Channel[] newChannels() {
        return new Channel[] {new EpollDatagramChannel(SocketProtocolFamily.INET),
                new EpollServerSocketChannel(SocketProtocolFamily.INET)};
    }

    private static void sync(ChannelFuture bind, InetSocketAddress address, Netns netns) throws IOException {
        if (!bind.awaitUninterruptibly(CLOSE_WAIT_MILLIS) || !bind.isSuccess()) {
            Throwable cause = bind.cause();
            throw new IOException("cannot bind the resolver on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + (netns == null ? "" : " in " + netns.path()) + ": "
                    + (cause == null ? "timed out" : cause.getMessage()), cause);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_WAIT_MILLIS * 2);
        forwarder.close();
    }

    private static InetAddress loopback11() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 11});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
