package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;

/**
 * Sees every inner frame the data path handles, as tcpdump on a bridge would: frames from
 * local ports and frames decapsulated from peers, before the checks that may drop them.
 * The hook behind {@code swarmnet capture}.
 *
 * <p>Called on the VTEP's event loop with a buffer it keeps: copy what you need and never
 * block. While no tap is set, the data path pays one volatile read per frame.
 */
public interface FrameTap {
    /** One Ethernet frame of network {@code vni}: {@code length} bytes at {@code offset}. */
    void onFrame(int vni, ByteBuf buf, int offset, int length);
}
