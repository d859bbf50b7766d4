package io.swarmnet.benchmarks.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WrkTest {
    private static final String OUTPUT = """
            Running 8s test @ http://192.0.2.21:8000/
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.10ms    1.02ms  20.11ms   80.00%
                Req/Sec    20.71k     1.20k   22.00k    75.00%
              Latency Distribution
                 50%    2.95ms
                 75%    3.50ms
                 90%    4.20ms
                 99%  812.00us
              165432 requests in 8.00s, 20.00MB read
            Requests/sec:  20679.00
            Transfer/sec:      2.50MB
            """;

    @Test
    void readsRequestsPerSecondAndTheP99InMilliseconds() throws IOException {
        Wrk.Figures f = Wrk.parse(OUTPUT);

        assertThat(f.requestsPerSecond()).isEqualTo(20679.0);
        assertThat(f.p99Millis()).isEqualTo(0.812);
        assertThat(Wrk.parse(OUTPUT.replace("812.00us", "1.50s")).p99Millis()).isEqualTo(1500.0);
    }

    @Test
    void failedConnectsOrBadAnswersAreAnErrorNotAFastResult() {
        assertThatThrownBy(() -> Wrk.parse(OUTPUT.replace("Requests/sec", "  Socket errors: connect 64, read 0, write 0, timeout 0\nRequests/sec")))
                .isInstanceOf(IOException.class).hasMessageContaining("failed requests");
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 192.0.2.21:8000 Connection refused"))
                .isInstanceOf(IOException.class).hasMessageContaining("no Requests/sec");
    }
}
