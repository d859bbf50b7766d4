package io.swarmnet.vxlan.port;

import io.netty.buffer.ByteBuf;

/**
 * Receives the frames a {@link TapPort} reads, on its event loop; the VTEP's data path
 * implements it. WARNING: it must not throw: the port reads edge-triggered, and a batch cut
 * short by an exception would leave frames unread until the next one arrives.
 */
public interface FrameHandler {

    /**
     * Handles one frame read from {@code from}: {@code length} bytes at {@code offset}, virtio
     * header first. The buffer is reused for the next frame as soon as this returns.
     */
    void onFrame(SwitchPort from, ByteBuf buf, int offset, int length);

    /** Ends a batch of {@link #onFrame} calls: the moment to flush what they queued. */
    void onBatchEnd();
}
