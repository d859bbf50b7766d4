package io.swarmnet.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;

/**
 * Hands each length-framed query (RFC 1035 section 4.2.2) on a task's TCP connection to
 * the {@link DnsQueryHandler}; answers carry the same two-byte length prefix. A
 * connection idle past the server's limit is closed, as RFC 7766 section 6.2.3 allows.
 */
@Sharable
final class TcpDnsQueryHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final DnsQueryHandler handler;
    private final List<String> networks;

    TcpDnsQueryHandler(DnsQueryHandler handler, List<String> networks) {
        this.handler = handler;
        this.networks = List.copyOf(networks);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        long start = System.nanoTime();
        byte[] wire = ByteBufUtil.getBytes(frame);
        Channel channel = ctx.channel();
        handler.handle(wire, networks, true, start, answer -> {
            ByteBuf out = channel.alloc().buffer(answer.length + 2);
            out.writeShort(answer.length).writeBytes(answer);
            channel.writeAndFlush(out);
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset, or a frame over the limit: this client is done, the resolver is not.
        ctx.close();
    }
}
