package io.swarmnet.node.daemon;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.node.net.SocketTransport;
import io.swarmnet.node.web.WebView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The agent's HTTP endpoint for Prometheus and health checks: one Netty event loop
 * thread, epoll where the kernel has it, NIO otherwise.
 */
final class HttpMetricsServer implements AutoCloseable {
    // A scrape request is a few hundred bytes; anything big is not one.
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int IDLE_SECONDS = 60;
    private static final Pattern NATIVE_PREFIX = Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-\\d+\\): ");

    private final EventLoopGroup group;
    private final Channel channel;
    private final WebView web;

    private HttpMetricsServer(EventLoopGroup group, Channel channel, WebView web) {
        this.group = group;
        this.channel = channel;
        this.web = web;
    }

    /**
     * Binds and starts serving; the server owns {@code web} from here on and closes it.
     *
     * @throws IOException when the address cannot be bound, e.g. it is in use
     */
    static HttpMetricsServer bind(InetSocketAddress address, PrometheusRegistry registry, BooleanSupplier healthy,
                                  WebView web) throws IOException {
        SocketTransport transport = SocketTransport.best();
        EventLoopGroup group = transport.group(1, "swarmnet-http");
        HttpMetricsHandler handler = new HttpMetricsHandler(registry, healthy, web);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new ReadTimeoutHandler(IDLE_SECONDS),
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    handler);
                        }
                    })
                    .bind(address)
                    .syncUninterruptibly()
                    .channel();
            return new HttpMetricsServer(group, channel, web);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (web != null) {
                web.close();
            }
            // Netty rethrows the bind failure undeclared and, natively, worded as
            // "bind(..) failed with error(-98): Address already in use"; keep the reason only.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(NATIVE_PREFIX.matcher(message).replaceFirst(""), e);
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (web != null) {
            web.close();
        }
    }
}
