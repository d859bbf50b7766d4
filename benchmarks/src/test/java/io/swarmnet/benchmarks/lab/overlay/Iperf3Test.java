package io.swarmnet.benchmarks.lab.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class Iperf3Test {
    @Test
    void readsReceiverThroughputInGbits() throws IOException {
        String json = "{\"end\":{\"sum_sent\":{\"bits_per_second\":9.9e9},"
                + "\"sum_received\":{\"bits_per_second\":1.25e10}}}";
        assertThat(Iperf3.parseReceivedGbits(json)).isEqualTo(12.5);
    }

    @Test
    void reportsIperfErrorInsteadOfAZero() {
        assertThatThrownBy(() -> Iperf3.parseReceivedGbits("{\"error\":\"unable to connect to server\"}"))
                .isInstanceOf(IOException.class).hasMessageContaining("unable to connect to server")
                .satisfies(e -> assertThat(Iperf3.isConnectFailure((IOException) e)).as("retried").isTrue());
        assertThatThrownBy(() -> Iperf3.parseReceivedGbits("{\"error\":\"the server is busy\"}"))
                .satisfies(e -> assertThat(Iperf3.isConnectFailure((IOException) e)).as("not retried").isFalse());
    }

    @Test
    void readsReceivedDatagramsPerSecondAndLossFromTheReceiversSum() throws IOException {
        String json = "{\"end\":{\"sum_sent\":{\"bytes\":8414080,\"seconds\":1.0,\"lost_percent\":0},"
                + "\"sum_received\":{\"bytes\":4968128,\"seconds\":2.0,\"lost_percent\":40.95}}}";
        Iperf3.UdpResult r = Iperf3.parseUdp(json, 64);
        assertThat(r.packetsPerSecond()).isEqualTo(77627.0 / 2);
        assertThat(r.lostPercent()).isEqualTo(40.95);
    }

    @Test
    void udpWithoutAReceiverSumIsAnError() {
        assertThatThrownBy(() -> Iperf3.parseUdp("{\"end\":{}}", 64)).isInstanceOf(IOException.class)
                .hasMessageContaining("no end.sum_received");
    }
}
