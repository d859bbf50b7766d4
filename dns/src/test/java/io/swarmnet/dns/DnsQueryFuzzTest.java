package io.swarmnet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.swarmnet.dns.TestQueries.FakeForwarder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import org.xbill.DNS.Message;

/**
 * Fuzzes the query path with the bytes a task may send to 127.0.0.11. Whatever they are,
 * the resolver answers once with a message that parses, or drops and counts them; it
 * never throws.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs the seeds under {@code src/test/resources} as a
 * regression test; {@code JAZZER_FUZZ=1 mvn -pl dns test -Dtest=DnsQueryFuzzTest} fuzzes
 * for the bounded {@code maxDuration}.
 */
class DnsQueryFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void queryPathAnswersOrCountsEveryInput(byte[] wire) throws Exception {
        DnsCounters counters = new DnsCounters();
        FakeForwarder forwarder = new FakeForwarder();
        DnsQueryHandler handler = new DnsQueryHandler(new DnsConfig(5,
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)), Duration.ofSeconds(1), 4),
                forwarder, counters);
        handler.publish(TestQueries.table());
        for (boolean tcp : new boolean[] {false, true}) {
            List<byte[]> replies = new ArrayList<>();
            handler.handle(wire, List.of(TestQueries.FRONT, TestQueries.BACK), tcp, System.nanoTime(), replies::add);
            assertThat(replies.size()).isLessThanOrEqualTo(1);
            for (byte[] reply : replies) {
                assertThat(reply.length).isLessThanOrEqualTo(tcp ? 65535 : 4096);
                new Message(reply);
            }
        }
        assertThat(counters.queries() + counters.malformed()).isEqualTo(2);
    }
}
