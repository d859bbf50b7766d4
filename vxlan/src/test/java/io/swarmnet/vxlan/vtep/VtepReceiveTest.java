package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.FixedRecvByteBufAllocator;
import org.junit.jupiter.api.Test;

/** How the VTEP's VXLAN socket reads, which the lab's throughput depends on. */
class VtepReceiveTest {
    @Test
    void theVxlanSocketReadsABatchOfDatagramsPerReadinessNotOne() {
        assertThat(Vtep.receiveAllocator().maxMessagesPerRead()).isEqualTo(Vtep.RECEIVE_BATCH).isEqualTo(16);
        // What made it one: an allocator made by hand does not take the channel's default.
        assertThat(new FixedRecvByteBufAllocator(65536).maxMessagesPerRead()).isEqualTo(1);
    }
}
