package io.swarmnet.node.mesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.swarmnet.node.net.SocketTransport;
import io.swarmnet.packet.Ipv4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A published TCP port served by a proxy instead of DNAT, so the task learns who connected:
 * each accepted connection is relayed to a task over the ingress network, its first bytes
 * a PROXY protocol v2 header (Netty's codec-haproxy) carrying the client's and the node's
 * address and port.
 *
 * <p>Targets are the service's VIP when the load balancer serves it, else the tasks in
 * turn; {@link #targets} replaces them for new connections while open ones stay where they
 * are. Outbound connections start from the node's ingress address, so they leave by the
 * ingress TAP and replies come back to this node.
 */
final class TcpProxyProtocolForwarder implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final int port;
    private final int target;
    private final SocketTransport transport;
    private Channel server;
    private final AtomicLong next = new AtomicLong();
    private volatile List<Integer> targets;
    private volatile int source;

    private TcpProxyProtocolForwarder(int port, int target, SocketTransport transport) {
        this.port = port;
        this.target = target;
        this.transport = transport;
    }

    /**
     * Listens on every address of this namespace at {@code port}.
     *
     * @throws io.netty.channel.ChannelException or another runtime exception when the port cannot be bound
     */
    static TcpProxyProtocolForwarder bind(int port, int target, List<Integer> targets, int source,
                                          SocketTransport transport, EventLoopGroup group) {
        TcpProxyProtocolForwarder self = new TcpProxyProtocolForwarder(port, target, transport);
        self.targets(targets, source);
        self.server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        self.accept(ch);
                    }
                })
                .bind(new InetSocketAddress(port)).syncUninterruptibly().channel();
        return self;
    }

    int target() {
        return target;
    }

    /** The port it listens on (the published port, or the one picked for 0). */
    int localPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Where new connections go from now on, and the address they start from. */
    void targets(List<Integer> newTargets, int newSource) {
        targets = List.copyOf(newTargets);
        source = newSource;
    }

    private void accept(SocketChannel inbound) {
        List<Integer> now = targets;
        if (now.isEmpty()) {
            // No task to serve it: the client learns at once, as with a closed port.
            inbound.config().setOption(ChannelOption.SO_LINGER, 0);
            inbound.close();
            return;
        }
        int backend = now.get((int) Long.remainderUnsigned(next.getAndIncrement(), now.size()));
        Bootstrap b = new Bootstrap().group(inbound.eventLoop()).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(HAProxyMessageEncoder.INSTANCE, new Relay(inbound));
                    }
                });
        InetSocketAddress local = new InetSocketAddress(Ipv4Address.toString(source), 0);
        b.connect(new InetSocketAddress(Ipv4Address.toString(backend), target), local).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                inbound.config().setOption(ChannelOption.SO_LINGER, 0);
                inbound.close();
                return;
            }
            Channel outbound = f.channel();
            InetSocketAddress client = (InetSocketAddress) inbound.remoteAddress();
            InetSocketAddress node = (InetSocketAddress) inbound.localAddress();
            HAProxyMessage header = new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                    HAProxyProxiedProtocol.TCP4, client.getAddress().getHostAddress(), node.getAddress().getHostAddress(),
                    client.getPort(), node.getPort());
            outbound.writeAndFlush(header).addListener((ChannelFutureListener) w -> {
                if (!w.isSuccess()) {
                    outbound.close();
                    inbound.close();
                    return;
                }
                outbound.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
                inbound.pipeline().addLast(new Relay(outbound));
                inbound.read();
                outbound.read();
            });
        });
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return ":" + port + " -> " + targets.stream().map(Ipv4Address::toString).toList() + ":" + target + " (PROXY v2)";
    }

    /** Copies what one side reads to the other, reading again once the write is done (backpressure). */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                    ctx.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
