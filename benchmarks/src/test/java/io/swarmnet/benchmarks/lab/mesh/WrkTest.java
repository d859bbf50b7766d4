package io.swarmnet.benchmarks.lab.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class WrkTest {
    private static final String OUT = """
            Running 4s test @ http://192.0.2.11:8082/
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.41ms    1.10ms  22.32ms   90.00%
                Req/Sec    26.15k     1.20k   28.00k    70.00%
              Latency Distribution
                 50%    2.20ms
                 75%    2.70ms
                 90%    3.30ms
                 99%  P99
              104084 requests in 4.00s, 15.68MB read
              Socket errors: connect 0, read 3, write 0, timeout 1
            Requests/sec:  26021.33
            Transfer/sec:      3.92MB
            """;

    @Test
    void readsRequestsPerSecondP99InMillisecondsAndSocketErrors() throws IOException {
        Wrk.Figures f = Wrk.parse(OUT.replace("P99", "22.32ms"));
        assertThat(f.requestsPerSecond()).isEqualTo(26021.33);
        assertThat(f.p99Millis()).isEqualTo(22.32);
        assertThat(f.socketErrors()).isEqualTo(4);
    }

    @Test
    void convertsMicrosecondsAndSecondsToMilliseconds() throws IOException {
        assertThat(Wrk.parse(OUT.replace("P99", "850.00us")).p99Millis()).isEqualTo(0.85);
        assertThat(Wrk.parse(OUT.replace("P99", "1.50s")).p99Millis()).isEqualTo(1500.0);
    }

    @Test
    void answersThatAreNotSuccessesFailTheRunAsABrokenBalancer() {
        String broken = OUT.replace("P99", "2ms").replace("Requests/sec", "Non-2xx or 3xx responses: 17\nRequests/sec");
        assertThatThrownBy(() -> Wrk.parse(broken)).isInstanceOf(IOException.class).hasMessageContaining("17 answers");
    }

    @Test
    void outputWithoutFiguresIsAnError() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 192.0.2.11:8082 Connection refused"))
                .isInstanceOf(IOException.class).hasMessageContaining("no Requests/sec");
    }
}
