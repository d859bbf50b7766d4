package io.swarmnet.benchmarks.lab.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PingTest {
    private static String reply(int seq, String ms) {
        return "64 bytes from 10.0.1.3: icmp_seq=" + seq + " ttl=64 time=" + ms + " ms\n";
    }

    @Test
    void skipsTheWarmUpAndGivesMeanMedianAndP99InMicroseconds() throws IOException {
        StringBuilder out = new StringBuilder("PING 10.0.1.3 (10.0.1.3) 56(84) bytes of data.\n");
        for (int i = 0; i < Ping.WARM_UP; i++) {
            out.append(reply(i + 1, "5.000"));
        }
        for (int i = 1; i <= 100; i++) {
            out.append(reply(Ping.WARM_UP + i, String.format(java.util.Locale.ROOT, "%.3f", i / 1000.0)));
        }
        out.append("rtt min/avg/max/mdev = 0.001/0.300/5.000/0.010 ms\n");

        Ping.Rtt r = Ping.parse(out.toString());

        assertThat(r.avgMicros()).isCloseTo(50.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.p50Micros()).isEqualTo(51.0);
        assertThat(r.p99Micros()).isEqualTo(99.0);
    }

    @Test
    void tooFewRepliesIsAnError() {
        assertThatThrownBy(() -> Ping.parse("100 packets transmitted, 0 received, 100% packet loss"))
                .isInstanceOf(IOException.class).hasMessageContaining("ping got 0 replies");
    }
}
