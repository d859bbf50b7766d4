package io.swarmnet.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local API: HTTP/1.1 with JSON bodies on a unix socket only root can open
 * (the socket is 0600 in a 0700 directory), like dockerd's {@code /run/docker.sock}.
 *
 * <p>Netty's event loop only parses and writes; routes run one at a time on a single
 * worker thread, because attach and detach change kernel and store state and are
 * simplest to make idempotent when they never overlap.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final Path socket;
    private final EventLoopGroup group;
    private final ExecutorService worker;
    private final Channel channel;

    private ApiServer(Path socket, EventLoopGroup group, ExecutorService worker, Channel channel) {
        this.socket = socket;
        this.group = group;
        this.worker = worker;
        this.channel = channel;
    }

    /**
     * Serves {@code routes} (keys like {@code "GET /v1/info"}) on {@code socket}.
     *
     * @throws IOException when the socket cannot be made, or another process serves it
     */
    public static ApiServer bind(Path socket, Map<String, ApiRoute> routes) throws IOException {
        prepare(socket);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("swarmnet-api", true),
                EpollIoHandler.newFactory());
        ExecutorService worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("swarmnet-api-worker", true));
        try {
            Channel channel = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<DomainSocketChannel>() {
                        @Override
                        protected void initChannel(DomainSocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new Dispatcher(Map.copyOf(routes), worker));
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toFile())).syncUninterruptibly().channel();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ApiServer(socket, group, worker, channel);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            worker.shutdownNow();
            throw new IOException("cannot serve the API on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Makes the 0700 directory and removes a socket file nobody serves (left by a crash). */
    private static void prepare(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(socket)) {
            if (served(socket)) {
                throw new IOException("another process already serves " + socket);
            }
            Files.delete(socket);
        }
    }

    private static boolean served(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        worker.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", socket, e.getMessage());
        }
    }

    /** Finds the route, hands the request to the worker, writes back JSON. */
    private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, ApiRoute> routes;
        private final Set<String> paths = new HashSet<>();
        private final ExecutorService worker;

        Dispatcher(Map<String, ApiRoute> routes, ExecutorService worker) {
            this.routes = routes;
            this.worker = worker;
            routes.keySet().forEach(k -> paths.add(k.substring(k.indexOf(' ') + 1)));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, 400, error("malformed HTTP request"), false);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            ApiRoute route = routes.get(request.method().name() + " " + path);
            if (route == null) {
                respond(ctx, paths.contains(path) ? 405 : 404,
                        error(paths.contains(path) ? request.method() + " not allowed on " + path : "no such API: " + path),
                        keepAlive);
                return;
            }
            JsonNode body;
            try {
                body = request.content().isReadable()
                        ? JSON.readTree(new ByteBufInputStream(request.content()))
                        : MissingNode.getInstance();
            } catch (JsonProcessingException e) {
                respond(ctx, 400, error("request body is not JSON: " + e.getOriginalMessage()), keepAlive);
                return;
            } catch (IOException e) {
                respond(ctx, 400, error("unreadable request body: " + e.getMessage()), keepAlive);
                return;
            }
            worker.execute(() -> {
                int status = 200;
                Object result;
                try {
                    result = route.handle(body);
                } catch (ApiException e) {
                    status = e.status();
                    result = error(e.getMessage());
                } catch (Exception e) {
                    LOG.warn("API {} {} failed", request.method(), path, e);
                    status = 500;
                    result = error(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                int s = status;
                Object r = result;
                ctx.executor().execute(() -> respond(ctx, s, r, keepAlive));
            });
        }

        private static Map<String, String> error(String message) {
            return Map.of("message", message);
        }

        private static void respond(ChannelHandlerContext ctx, int status, Object body, boolean keepAlive) {
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                status = 500;
                bytes = "{\"message\":\"cannot encode the response\"}".getBytes(StandardCharsets.UTF_8);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
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
}
