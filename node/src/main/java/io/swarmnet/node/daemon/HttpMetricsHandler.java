package io.swarmnet.node.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.node.web.WebView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /metrics} (Prometheus text format) and {@code GET /healthz} (200 "ok"
 * while the node's store session is alive, 503 otherwise); with {@code --web}, also the
 * cluster view's page at {@code /ui/} and its state at {@code /ui/state}; 404 for any
 * other path.
 */
@Sharable
final class HttpMetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpMetricsHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final BooleanSupplier healthy;
    private final WebView web;

    /** @param web the cluster view, or null when it is off */
    HttpMetricsHandler(PrometheusRegistry registry, BooleanSupplier healthy, WebView web) {
        this.registry = registry;
        this.healthy = healthy;
        this.web = web;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT, text("bad request\n"), false);
            return;
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, text("method not allowed\n"));
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, response, HttpUtil.isKeepAlive(request));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        switch (path) {
            case "/metrics" -> metrics(ctx, request, keepAlive);
            case "/healthz" -> {
                boolean ok = healthy.getAsBoolean();
                respond(ctx, request, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        TEXT, text(ok ? "ok\n" : "store session down\n"), keepAlive);
            }
            case "/ui" -> {
                if (web == null) {
                    notFound(ctx, request, keepAlive);
                    return;
                }
                FullHttpResponse response = response(HttpResponseStatus.MOVED_PERMANENTLY, TEXT, text("see /ui/\n"));
                response.headers().set(HttpHeaderNames.LOCATION, "/ui/");
                send(ctx, request, response, keepAlive);
            }
            case "/ui/" -> {
                if (web == null) {
                    notFound(ctx, request, keepAlive);
                    return;
                }
                respond(ctx, request, HttpResponseStatus.OK, "text/html; charset=utf-8",
                        Unpooled.wrappedBuffer(web.page()), keepAlive);
            }
            case "/ui/state" -> {
                if (web == null) {
                    notFound(ctx, request, keepAlive);
                    return;
                }
                FullHttpResponse response = response(HttpResponseStatus.OK, "application/json",
                        Unpooled.wrappedBuffer(web.state()));
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                send(ctx, request, response, keepAlive);
            }
            default -> notFound(ctx, request, keepAlive);
        }
    }

    private static void notFound(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT, text("404 page not found\n"), keepAlive);
    }

    private void metrics(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        ByteBuf body = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            writer.write(out, registry.scrape());
        } catch (IOException | RuntimeException e) {
            body.release();
            LOG.warn("metrics scrape failed", e);
            respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, text("scrape failed\n"), false);
            return;
        }
        respond(ctx, request, HttpResponseStatus.OK, writer.getContentType(), body, keepAlive);
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, body.readableBytes());
        return response;
    }

    /** Sends {@code body} (or, for HEAD, only its length), taking ownership of it. */
    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                String contentType, ByteBuf body, boolean keepAlive) {
        send(ctx, request, response(status, contentType, body), keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
        FullHttpResponse toSend = response;
        if (HttpMethod.HEAD.equals(request.method())) {
            toSend = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
        }
        HttpUtil.setKeepAlive(toSend, keepAlive);
        var written = ctx.writeAndFlush(toSend);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException) && !(cause instanceof IOException)) {
            LOG.debug("closing metrics connection from {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
