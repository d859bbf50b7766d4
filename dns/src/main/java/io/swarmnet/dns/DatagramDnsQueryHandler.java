package io.swarmnet.dns;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
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
        byte[] wire = ByteBufUtil.getBytes(packet.content());
        var sender = packet.sender();
        var channel = ctx.channel();
        // The reply may come from a forwarder thread; writeAndFlush hands it to the event loop.
        handler.handle(wire, networks, false, start,
                answer -> channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), sender)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An ICMP error from a client that went away must not close the task's resolver.
    }
}
