package io.swarmnet.packet.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class DefaultFrameStageTest {
    private final FrameStage stage = DefaultFrameStage.INSTANCE;

    @Test
    void passesEveryFrameUnchangedAndClaimsNoFlows() {
        byte[] frame = new byte[60];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(frame.clone());
        ByteBuf out = Unpooled.buffer(64);
        try {
            assertThat(stage.fromPort(1, buf, 0, frame.length, false, out, 0)).isEqualTo(FrameStage.PASS);
            assertThat(stage.toPort(1, buf, 0, frame.length, false)).isFalse();
            stage.housekeep((vni, mac, length) -> {
                throw new AssertionError("a pass-through stage sends nothing");
            }, out, 0);
            assertThat(buf.array()).isEqualTo(frame);
            assertThat(stage.mayHaveFlowsTo(0x0a000002)).isFalse();
            assertThat(stage.mayHaveFlowsTo(0x0a000002, 80)).isFalse();
        } finally {
            buf.release();
            out.release();
        }
    }
}
