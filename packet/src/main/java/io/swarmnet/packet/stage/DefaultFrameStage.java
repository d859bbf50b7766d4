package io.swarmnet.packet.stage;

import io.netty.buffer.ByteBuf;

/** The frame stage of a data path that has none: every frame passes unchanged. */
public final class DefaultFrameStage implements FrameStage {
    /** The one instance; it holds no state. */
    public static final DefaultFrameStage INSTANCE = new DefaultFrameStage();

    private DefaultFrameStage() {
    }

    @Override
    public int fromPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial, ByteBuf out,
                        int outAt) {
        return PASS;
    }

    @Override
    public boolean toPort(int vni, ByteBuf buf, int frameOffset, int frameLength, boolean checksumPartial) {
        return false;
    }

    @Override
    public void housekeep(FrameSink sink, ByteBuf out, int outAt) {
    }

    @Override
    public boolean mayHaveFlowsTo(int ip) {
        return false;
    }

    @Override
    public boolean mayHaveFlowsTo(int ip, int port) {
        return false;
    }
}
