package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Where the data path sends VXLAN datagrams: the VTEP's UDP sockets, or a test's recorder.
 * Called on the event loop only.
 */
interface Underlay {

    /** Returns the allocator for datagram buffers. */
    ByteBufAllocator alloc();

    /** Returns whether {@link #send} takes several datagrams in one buffer (UDP GSO). */
    boolean supportsSegmentation();

    /**
     * Queues the readable bytes of {@code datagram} for peer VTEP {@code peer}, leaving by
     * the source port {@code flowHash} picks; takes ownership of the buffer. With
     * {@code segmentSize} above zero the buffer holds consecutive datagrams of that many
     * bytes, the last one possibly shorter, for the kernel to cut (UDP GSO).
     *
     * @return false if the datagram was dropped because the socket is congested
     */
    boolean send(ByteBuf datagram, int peer, int flowHash, int segmentSize);

    /** Hands what {@link #send} queued to the kernel, in as few system calls as it can. */
    void flush();
}
