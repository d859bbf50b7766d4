package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The VTEP's sending side: a few UDP sockets bound to the advertise address, each on its own
 * ephemeral port. A flow's hash picks the socket, so its outer UDP source port is a function
 * of the inner flow, as RFC 7348 §5 asks, while every datagram still goes through an
 * ordinary socket with the kernel's routing, checksum offload, GSO and sendmmsg. Linux's
 * vxlan also draws source ports from the ephemeral range by default.
 *
 * <p>Event loop only. Writes stay queued in the channels until {@link #flush}, which Netty
 * turns into one {@code sendmmsg} per socket; a socket over its high water mark drops.
 */
final class UdpUnderlay implements Underlay {
    private final Channel[] senders;
    private final boolean[] dirty;
    private final int dataPathPort;
    private final boolean gso;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    /** Peer addresses made once per peer, not per datagram. */
    private final IntObjectHashMap<InetSocketAddress> peers = new IntObjectHashMap<>();

    UdpUnderlay(Channel[] senders, int dataPathPort, boolean gso) {
        this.senders = senders.clone();
        this.dirty = new boolean[senders.length];
        this.dataPathPort = dataPathPort;
        this.gso = gso;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public boolean supportsSegmentation() {
        return gso;
    }

    @Override
    public boolean send(ByteBuf datagram, int peer, int flowHash, int segmentSize) {
        int i = FlowHash.choose(flowHash, senders.length);
        Channel channel = senders[i];
        if (!channel.isWritable()) {
            datagram.release();
            return false;
        }
        InetSocketAddress to = address(peer);
        DatagramPacket packet = segmentSize > 0
                ? new SegmentedDatagramPacket(datagram, segmentSize, to)
                : new DatagramPacket(datagram, to);
        channel.write(packet, channel.voidPromise());
        dirty[i] = true;
        return true;
    }

    @Override
    public void flush() {
        for (int i = 0; i < senders.length; i++) {
            if (dirty[i]) {
                dirty[i] = false;
                senders[i].flush();
            }
        }
    }

    private InetSocketAddress address(int peer) {
        InetSocketAddress address = peers.get(peer);
        if (address == null) {
            byte[] bytes = {(byte) (peer >>> 24), (byte) (peer >>> 16), (byte) (peer >>> 8), (byte) peer};
            try {
                address = new InetSocketAddress(InetAddress.getByAddress(bytes), dataPathPort);
            } catch (UnknownHostException e) {
                throw new AssertionError("four bytes are always an address", e);
            }
            peers.put(peer, address);
        }
        return address;
    }
}
