package io.swarmnet.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.vxlan.OverlayLab.Task;
import io.swarmnet.vxlan.vtep.Transport;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both Netty transports carry the overlay: two hosts, a task on each, ping both ways. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportPingTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void pingsAcrossHostsBothWays(Transport transport) throws IOException {
        assertThat(transport.isAvailable()).as(transport + ": " + transport.unavailabilityCause()).isTrue();
        try (OverlayLab lab = new OverlayLab()) {
            Vtep a = lab.startVtep(lab.hostA(), OverlayLab.HOST_A, transport);
            Vtep b = lab.startVtep(lab.hostB(), OverlayLab.HOST_B, transport);
            Task taskA = lab.attachTask(a, lab.hostA(), TwoHostOverlayTest.VNI, TwoHostOverlayTest.IP_A);
            Task taskB = lab.attachTask(b, lab.hostB(), TwoHostOverlayTest.VNI, TwoHostOverlayTest.IP_B);
            a.publish(TwoHostOverlayTest.tables(1, taskA, taskB, OverlayLab.HOST_B));
            b.publish(TwoHostOverlayTest.tables(1, taskB, taskA, OverlayLab.HOST_A));
            assertThat(taskA.ping(TwoHostOverlayTest.IP_B, 3)).as("A → B over " + transport).isTrue();
            assertThat(taskB.ping(TwoHostOverlayTest.IP_A, 3)).as("B → A over " + transport).isTrue();
            // A bulk transfer too, so the io_uring poll is re-armed and read under load.
            Traffic.Digest[] d = Traffic.tcp(taskA.ns(), taskB.ns(), TwoHostOverlayTest.IP_B, 5001, 8 << 20, 7, 30);
            assertThat(d[1]).isEqualTo(d[0]);
        }
    }
}
