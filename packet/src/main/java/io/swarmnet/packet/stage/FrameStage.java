package io.swarmnet.packet.stage;

import io.netty.buffer.ByteBuf;

/**
 * A step a data path runs every frame through without knowing what it does: the service
 * load balancer in the agent, {@link DefaultFrameStage} in a data path without one.
 *
 * <p>The contract, as the VTEP keeps it: {@link #fromPort} sees each IPv4 frame from a
 * local port that the switch cannot place (a frame to an address only the stage knows);
 * {@link #toPort} sees each frame just before it is written to a local port, whether it
 * came from a local port or from a peer; {@link #housekeep} runs about once a second. All
 * three run on one thread, the event loop that owns the stage, and may read the
 * {@link BatchClock} the data path ends a batch of.
 *
 * <p>Why here, in {@code packet}: the VTEP ({@code vxlan}) and the load balancer
 * ({@code ipvs-lb}) both depend on this module and on neither of each other, and the
 * contract speaks only of frames in buffers. The agent wires one to the other.
 *
 * <p>WARNING: called for every packet. An implementation must not allocate or block, and
 * a data path should hold it in a final field: with one implementation loaded the call is
 * devirtualized and inlined.
 */
public interface FrameStage {
    /** {@link #fromPort}: the frame is not the stage's; switch it unchanged. */
    int PASS = -1;
    /** {@link #fromPort}: the frame was rewritten in place; switch it by its new destination MAC. */
    int FORWARD = -2;
    /** {@link #fromPort}: the stage dropped the frame and counted why. */
    int DROP = -3;

    /**
     * Handles a frame from a local port of network {@code vni}: {@code frameLength} bytes of
     * Ethernet at {@code frameOffset}, whose TCP/UDP checksum is {@code checksumPartial}
     * (the port said {@code NEEDS_CSUM}). Returns {@link #PASS}, {@link #FORWARD}, {@link #DROP},
     * or the length (0 or more) of a reply frame for the sender built in {@code out} at
     * {@code outAt}.
     */
    int fromPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial, ByteBuf out,
                 int outAt);

    /**
     * Handles a frame about to be written to a local port of network {@code vni}, and may
     * rewrite it in place; returns whether it did.
     */
    boolean toPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial);

    /**
     * Periodic work (about once a second, on the owning thread); a frame it makes is built
     * in {@code out} at {@code outAt} and handed to {@code sink}.
     */
    void housekeep(FrameSink sink, ByteBuf out, int outAt);

    /**
     * Returns whether {@link #toPort} may rewrite a frame to {@code ip}, when the frame's
     * ports are not known (not TCP or UDP, or a later fragment). Safe from any thread: a
     * data path that runs on several threads asks it to decide which frames go to the
     * stage's owner.
     */
    boolean mayHaveFlowsTo(int ip);

    /**
     * Returns whether {@link #toPort} may rewrite a TCP or UDP frame to {@code ip} and
     * {@code port}: finer than {@link #mayHaveFlowsTo(int)}. Safe from any thread.
     */
    boolean mayHaveFlowsTo(int ip, int port);
}
