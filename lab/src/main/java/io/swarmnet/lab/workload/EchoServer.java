package io.swarmnet.lab.workload;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.swarmnet.node.net.SocketTransport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lab's stand-in for the seed tutorial's echo app: HTTP and a UDP "who are you"
 * on one port say which task answered (the load-balancing tests count these lines),
 * and the echo port echoes TCP and UDP (RFC 862). Told to, the HTTP port expects a PROXY
 * protocol header (v1 or v2) first on every connection and reports the client it names.
 */
public final class EchoServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65507;
    /** The client a PROXY protocol header named, on the connections that carried one. */
    private static final AttributeKey<InetSocketAddress> PROXIED_CLIENT = AttributeKey.valueOf("swarmnet.proxiedClient");

    private final String name;
    private final EventLoopGroup group;
    private final boolean proxyProtocol;
    private final List<Channel> channels = new ArrayList<>();

    private EchoServer(String name, EventLoopGroup group, boolean proxyProtocol) {
        this.name = name;
        this.group = group;
        this.proxyProtocol = proxyProtocol;
    }

    /**
     * Serves HTTP on TCP {@code whoPort} and the who-line on UDP {@code whoPort}, and echo on
     * TCP and UDP {@code echoPort}, all on {@code bind}; a port of 0 picks a free one.
     */
    public static EchoServer start(String name, String bind, int whoPort, int echoPort) {
        return start(name, bind, whoPort, echoPort, false);
    }

    /**
     * As {@link #start(String, String, int, int)}; with {@code proxyProtocol} every HTTP
     * connection must open with a PROXY protocol header, and the who-line names the client
     * it carries (and the proxy it came through as {@code via=}).
     */
    public static EchoServer start(String name, String bind, int whoPort, int echoPort, boolean proxyProtocol) {
        SocketTransport transport = SocketTransport.best();
        EchoServer server = new EchoServer(name, transport.group(1, "echo"), proxyProtocol);
        try {
            server.channels.add(server.tcp(transport, new InetSocketAddress(bind, whoPort), true));
            server.channels.add(server.udp(transport, new InetSocketAddress(bind, server.port(0)), true));
            server.channels.add(server.tcp(transport, new InetSocketAddress(bind, echoPort), false));
            server.channels.add(server.udp(transport, new InetSocketAddress(bind, server.port(2)), false));
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The bound port of channel {@code i}: 0 HTTP, 1 who/udp, 2 echo/tcp, 3 echo/udp. */
    public int port(int i) {
        return ((InetSocketAddress) channels.get(i).localAddress()).getPort();
    }

    public int httpPort() {
        return port(0);
    }

    public int echoPort() {
        return port(2);
    }

    /** The line every "who" answer carries: the task name, the address it was reached at, the client. */
    static String whoLine(String name, InetSocketAddress local, InetSocketAddress remote) {
        return name + " " + local.getAddress().getHostAddress() + ":" + local.getPort()
                + " client=" + remote.getAddress().getHostAddress() + ":" + remote.getPort() + "\n";
    }

    private Channel tcp(SocketTransport transport, InetSocketAddress address, boolean http) {
        ChannelInboundHandlerAdapter echo = new TcpEcho();
        return new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (http) {
                            if (proxyProtocol) {
                                ch.pipeline().addLast(new HAProxyMessageDecoder(), new ProxiedClient());
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new Who(name));
                        } else {
                            ch.pipeline().addLast(echo);
                        }
                    }
                })
                .bind(address).syncUninterruptibly().channel();
    }

    private Channel udp(SocketTransport transport, InetSocketAddress address, boolean who) {
        // Netty reads datagrams into 2 KiB by default and cuts longer ones short; an echo
        // must give back what it got, up to the largest UDP payload. An allocator made by
        // hand reads one datagram a readiness unless told: 16, the channel's default.
        return new Bootstrap().group(group).channel(transport.datagramChannel())
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(16))
                .handler(new UdpReply(name, who))
                .bind(address).syncUninterruptibly().channel();
    }

    @Override
    public void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly(1, TimeUnit.SECONDS));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Answers every HTTP request with the who-line; keep-alive as the client asks. */
    private static final class Who extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;

        Who(String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            InetSocketAddress proxied = ctx.channel().attr(PROXIED_CLIENT).get();
            String line = whoLine(name, (InetSocketAddress) ctx.channel().localAddress(), proxied != null ? proxied : peer);
            if (proxied != null) {
                line = line.stripTrailing() + " via=" + peer.getAddress().getHostAddress() + ":" + peer.getPort() + "\n";
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    request.decoderResult().isSuccess() ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST,
                    Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set("X-Task", name);
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Keeps the client a PROXY protocol header names, then steps aside for HTTP. */
    private static final class ProxiedClient extends SimpleChannelInboundHandler<HAProxyMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HAProxyMessage header) {
            if (header.sourceAddress() != null) {
                ctx.channel().attr(PROXIED_CLIENT).set(new InetSocketAddress(header.sourceAddress(), header.sourcePort()));
            }
            ctx.pipeline().remove(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A connection without a valid header is refused, as HAProxy's accept-proxy does.
            ctx.close();
        }
    }

    /** RFC 862 over TCP: every byte back as it came. */
    @Sharable
    private static final class TcpEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** UDP: the payload back (echo) or the who-line (who). */
    private static final class UdpReply extends SimpleChannelInboundHandler<DatagramPacket> {
        private final String name;
        private final boolean who;

        UdpReply(String name, boolean who) {
            this.name = name;
            this.who = who;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf reply = who
                    ? Unpooled.copiedBuffer(whoLine(name, (InetSocketAddress) ctx.channel().localAddress(),
                            packet.sender()), StandardCharsets.UTF_8)
                    : packet.content().retain();
            ctx.writeAndFlush(new DatagramPacket(reply, packet.sender()));
        }
    }
}
