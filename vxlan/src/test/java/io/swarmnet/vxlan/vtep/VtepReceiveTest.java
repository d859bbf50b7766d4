package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.FixedRecvByteBufAllocator;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the VTEP's VXLAN socket reads, which the lab's throughput depends on. */
class VtepReceiveTest {
    @Test
    @Tag("privileged")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theBoundVxlanSocketReadsABatchOfDatagramsPerReadinessNotOne() throws IOException {
        int address = Ipv4Address.parse("192.0.2.31");
        try (TestNamespace host = TestNamespace.create("vxrx")) {
            host.ip("link", "add", "d0", "type", "veth", "peer", "name", "d1");
            host.ip("addr", "add", "192.0.2.31/24", "dev", "d0");
            host.ip("link", "set", "d0", "up");
            Vtep vtep = Vtep.create(VtepConfig.builder(address).build());
            try {
                assertThat(vtep.receiveBatch()).as("before bind").isZero();
                host.netns().call(() -> {
                    vtep.bind();
                    return null;
                });
                assertThat(vtep.receiveBatch()).isEqualTo(Vtep.RECEIVE_BATCH).isEqualTo(16);
            } finally {
                vtep.close();
            }
        }
        // What made it one: an allocator made by hand does not take the channel's default.
        assertThat(new FixedRecvByteBufAllocator(65536).maxMessagesPerRead()).isEqualTo(1);
    }
}
