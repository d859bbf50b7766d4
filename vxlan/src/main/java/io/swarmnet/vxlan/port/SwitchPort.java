package io.swarmnet.vxlan.port;

import io.netty.buffer.ByteBuf;

/**
 * A local port of the overlay switch: one task's end of one network. Frames written to it
 * start with a {@code virtio_net_hdr} of {@link #VNET_HEADER_LENGTH} bytes, the form a TAP
 * opened with {@code IFF_VNET_HDR} takes, so offload information (GSO, partial checksums)
 * passes between ports unchanged.
 *
 * <p>{@link TapPort} is the real one; tests implement it to see what the switch writes.
 */
public interface SwitchPort {
    /** Length of the virtio header before every frame. */
    int VNET_HEADER_LENGTH = 10;

    /** Returns the id the tables name this port by ({@code OverlayTables.Builder.localPort}). */
    int id();

    /** Returns the VNI of the network the port belongs to; its frames never leave that network. */
    int vni();

    /**
     * Writes one frame, virtio header first, from {@code length} bytes at {@code offset};
     * returns false if the port could not take it (queue full, interface down, closed).
     * Called on the event loop only; never blocks.
     */
    boolean write(ByteBuf buf, int offset, int length);
}
