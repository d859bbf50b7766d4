package io.swarmnet.dns;

import static io.swarmnet.dns.TestQueries.parse;
import static io.swarmnet.dns.TestQueries.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.dns.FakeUpstream.Mode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

@Timeout(20)
class DefaultDnsForwarderTest {
    private final DnsCounters counters = new DnsCounters();

    private byte[] forward(List<InetSocketAddress> upstreams, int maxForwarded) throws Exception {
        DnsConfig config = new DnsConfig(5, upstreams, Duration.ofMillis(300), maxForwarded);
        try (DefaultDnsForwarder forwarder = new DefaultDnsForwarder(config, counters)) {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            assertThat(forwarder.forward(query("example.test", Type.A), answer::complete)).isTrue();
            return answer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theNextUpstreamIsAskedAfterServfailRefusedAndTimeout() throws Exception {
        try (FakeUpstream servfail = new FakeUpstream(Mode.SERVFAIL);
             FakeUpstream refused = new FakeUpstream(Mode.REFUSED);
             FakeUpstream good = new FakeUpstream(Mode.ANSWER);
             FakeUpstream silent = new FakeUpstream(Mode.SILENT)) {
            byte[] first = forward(List.of(servfail.address(), refused.address(), good.address()), 4);
            byte[] second = forward(List.of(silent.address(), good.address()), 4);

            for (byte[] a : List.of(first, second)) {
                Message m = parse(a);
                assertThat(m.getHeader().getID()).isEqualTo(0x1234);
                assertThat(((ARecord) m.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress())
                        .isEqualTo("198.51.100.1");
            }
            assertThat(counters.upstreamFailures()).isEqualTo(3);
        }
    }

    @Test
    void nullWhenEveryUpstreamFails() throws Exception {
        try (FakeUpstream a = new FakeUpstream(Mode.SERVFAIL); FakeUpstream b = new FakeUpstream(Mode.SILENT)) {
            assertThat(forward(List.of(a.address(), b.address()), 4)).isNull();
        }
    }

    @Test
    void aTruncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream(Mode.TRUNCATE_UDP)) {
            Message m = parse(forward(List.of(upstream.address()), 4));

            assertThat(TestQueries.truncated(m)).isFalse();
            assertThat(m.getSectionArray(Section.ANSWER)).hasSize(1);
            assertThat(upstream.udpQueries.get()).isEqualTo(1);
            assertThat(upstream.tcpQueries.get()).isEqualTo(1);
        }
    }

    @Test
    void queriesBeyondTheBoundAreRefusedAtOnce() throws Exception {
        try (FakeUpstream silent = new FakeUpstream(Mode.SILENT)) {
            DnsConfig config = new DnsConfig(5, List.of(silent.address()), Duration.ofMillis(500), 1);
            try (DefaultDnsForwarder forwarder = new DefaultDnsForwarder(config, counters)) {
                CompletableFuture<byte[]> first = new CompletableFuture<>();
                assertThat(forwarder.forward(query("a.test", Type.A), first::complete)).isTrue();
                assertThat(forwarder.forward(query("b.test", Type.A), a -> { })).isFalse();
                assertThat(first.get(5, TimeUnit.SECONDS)).isNull();
            }
        }
    }
}
