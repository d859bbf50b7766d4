package io.swarmnet.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;

/** Hands each query datagram arriving on one task's 127.0.0.11:53 to the {@link DnsQueryHandler}. */
@Sharable
final class DatagramDnsQueryHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final DnsQueryHandler handler;
    private final List<String> networks;

    DatagramDnsQueryHandler(DnsQueryHandler handler, List<String> networks) {
        this.handler = handler;
        this.networks = List.copyOf(networks);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        long start = System.nanoTime();
        InetSocketAddress sender = packet.sender();
        ByteBuf internal = handler.answerInternal(packet.content(), networks, false, start, ctx.alloc());
        if (internal != null) {
            // Flushed once per read batch: one sendmmsg for many answers.
            ctx.write(new DatagramPacket(internal, sender));
            return;
        }
        byte[] wire = ByteBufUtil.getBytes(packet.content());
        Channel channel = ctx.channel();
        handler.handle(wire, networks, false, start, answer -> {
            ByteBuf out = channel.alloc().directBuffer(answer.length).writeBytes(answer);
            if (channel.eventLoop().inEventLoop()) {
                // Answered while reading: flushed once per read batch, one sendmmsg for many.
                channel.write(new DatagramPacket(out, sender));
            } else {
                // A forwarded answer, from a forwarder thread.
                channel.writeAndFlush(new DatagramPacket(out, sender));
            }
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An ICMP error from a client that went away must not close the task's resolver.
    }
}
