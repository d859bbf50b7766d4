package io.swarmnet.dns;

import static io.swarmnet.dns.TestQueries.BACK;
import static io.swarmnet.dns.TestQueries.FRONT;
import static io.swarmnet.dns.TestQueries.message;
import static io.swarmnet.dns.TestQueries.parse;
import static io.swarmnet.dns.TestQueries.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.dns.TestQueries.FakeForwarder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsQueryHandlerTest {
    private static final InetSocketAddress UPSTREAM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5353);
    private final FakeForwarder forwarder = new FakeForwarder();
    private final DnsCounters counters = new DnsCounters();
    private DnsQueryHandler handler;

    @BeforeEach
    void setUp() {
        handler = new DnsQueryHandler(new DnsConfig(5, List.of(UPSTREAM), Duration.ofSeconds(1), 10), forwarder, counters);
        handler.publish(TestQueries.table());
    }

    private List<byte[]> ask(byte[] wire, boolean tcp, String... networks) {
        List<byte[]> replies = new ArrayList<>();
        handler.handle(wire, List.of(networks), tcp, System.nanoTime(), replies::add);
        return replies;
    }

    private Message answer(byte[] wire, String... networks) {
        List<byte[]> replies = ask(wire, false, networks);
        assertThat(replies).hasSize(1);
        return parse(replies.get(0));
    }

    private static List<String> addresses(Message m) {
        return Stream.of(m.getSectionArray(Section.ANSWER)).filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("a vip service answers with its VIP", "web", List.of("10.0.1.2")),
                Arguments.of("tasks.<service> answers with every task", "tasks.web", List.of("10.0.1.3", "10.0.1.4")),
                Arguments.of("<service>.<slot> answers with one task", "web.1", List.of("10.0.1.3")),
                Arguments.of("<name>.<network> answers like the name", "web.front", List.of("10.0.1.2")),
                Arguments.of("questions are case-insensitive", "WeB.FrOnT", List.of("10.0.1.2")),
                Arguments.of("a trailing dot changes nothing", "web.", List.of("10.0.1.2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void internalNamesAnswerWithTheirAddresses(String why, String name, List<String> expected) {
        Message m = answer(query(name, Type.A), FRONT);

        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getHeader().getID()).isEqualTo(0x1234);
        assertThat(addresses(m)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.getSectionArray(Section.ANSWER)).allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(5));
        assertThat(forwarder.asked).isEmpty();
    }

    @Test
    void aDnsrrNameAnswersWithEveryTaskInChangingOrder() {
        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            Message m = answer(message("big", Type.A, 4096).toWire(), FRONT);
            assertThat(addresses(m)).hasSize(100);
            orders.add(addresses(m));
        }
        assertThat(orders).hasSizeGreaterThan(1);
    }

    @Test
    void aTaskResolvesOnlyNamesOfItsOwnNetworks() {
        Message onBack = answer(query("web", Type.A), BACK);
        Message onBoth = answer(query("web", Type.A), FRONT, BACK);
        handler.handle(query("db", Type.A), List.of(FRONT), false, System.nanoTime(), r -> { });

        assertThat(addresses(onBack)).containsExactly("10.0.2.9");
        assertThat(addresses(onBoth)).containsExactly("10.0.1.2");
        assertThat(forwarder.asked).hasSize(1);
    }

    @Test
    void ptrNamesATaskAndAVip() {
        Message task = answer(query("3.1.0.10.in-addr.arpa", Type.PTR), FRONT);
        Message vip = answer(query("2.1.0.10.in-addr.arpa", Type.PTR), FRONT);

        assertThat(((PTRRecord) task.getSectionArray(Section.ANSWER)[0]).getTarget().toString()).isEqualTo("web.1.t1.front.");
        assertThat(((PTRRecord) vip.getSectionArray(Section.ANSWER)[0]).getTarget().toString()).isEqualTo("web.front.");
    }

    @Test
    void srvGivesTheTargetPortAndTheTargetsAddress() {
        Message m = answer(query("_8080._tcp.web", Type.SRV), FRONT);

        SRVRecord srv = (SRVRecord) m.getSectionArray(Section.ANSWER)[0];
        assertThat(srv.getPort()).isEqualTo(80);
        assertThat(srv.getTarget().toString()).isEqualTo("web.front.");
        Record glue = m.getSectionArray(Section.ADDITIONAL)[0];
        assertThat(((ARecord) glue).getAddress().getHostAddress()).isEqualTo("10.0.1.2");
    }

    @Test
    void aaaaForAnInternalNameIsAnEmptyNoerrorAndNeverForwarded() {
        Message m = answer(query("web", Type.AAAA), FRONT);

        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSectionArray(Section.ANSWER)).isEmpty();
        assertThat(forwarder.asked).isEmpty();
        assertThat(counters.queries(DnsCounters.QueryType.AAAA, Rcode.NOERROR)).isEqualTo(1);
    }

    @Test
    void externalNamesGoUpstreamAndTheUpstreamAnswerComesBack() {
        Message upstream = message("example.test", Type.A, -1);
        upstream.getHeader().setFlag(Flags.QR);
        forwarder.reply = upstream.toWire();

        Message m = answer(query("example.test", Type.A), FRONT);

        assertThat(forwarder.asked).hasSize(1);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(counters.forwarded()).isEqualTo(1);
    }

    @Test
    void servfailWhenEveryUpstreamFailsOrTooManyQueriesAreInFlight() {
        Message failed = answer(query("example.test", Type.A), FRONT);
        forwarder.full = true;
        Message rejected = answer(query("example.test", Type.A), FRONT);

        assertThat(failed.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(rejected.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(counters.forwardRejected()).isEqualTo(1);
    }

    @Test
    void servfailWithoutUpstreams() {
        handler = new DnsQueryHandler(DnsConfig.withUpstreams(List.of()), forwarder, counters);

        assertThat(answer(query("example.test", Type.A), FRONT).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(forwarder.asked).isEmpty();
    }

    @Test
    void withoutEdnsAnAnswerOver512BytesIsTruncatedAndTcpGetsItAll() {
        byte[] udp = ask(query("big", Type.A), false, FRONT).get(0);
        byte[] tcp = ask(query("big", Type.A), true, FRONT).get(0);

        assertThat(udp.length).isLessThanOrEqualTo(512);
        assertThat(TestQueries.truncated(parse(udp))).isTrue();
        assertThat(TestQueries.truncated(parse(tcp))).isFalse();
        assertThat(addresses(parse(tcp))).hasSize(100);
        assertThat(counters.truncated()).isEqualTo(1);
    }

    @Test
    void theEdnsPayloadSizeIsHonoured() {
        byte[] small = ask(message("big", Type.A, 1232).toWire(), false, FRONT).get(0);
        byte[] large = ask(message("big", Type.A, 4096).toWire(), false, FRONT).get(0);

        assertThat(small.length).isLessThanOrEqualTo(1232);
        assertThat(TestQueries.truncated(parse(small))).isTrue();
        assertThat(TestQueries.truncated(parse(large))).isFalse();
        assertThat(parse(large).getOPT()).isNotNull();
    }

    @Test
    void anUpstreamAnswerTooLargeForTheClientIsTruncated() {
        Message big = answer(message("big", Type.A, 4096).toWire(), FRONT);
        Message upstream = message("example.test", Type.A, -1);
        upstream.getHeader().setFlag(Flags.QR);
        for (Record r : big.getSectionArray(Section.ANSWER)) {
            upstream.addRecord(r, Section.ANSWER);
        }
        forwarder.reply = upstream.toWire();

        byte[] out = ask(query("example.test", Type.A), false, FRONT).get(0);

        assertThat(out.length).isLessThanOrEqualTo(512);
        assertThat(TestQueries.truncated(parse(out))).isTrue();
    }

    static Stream<Arguments> malformed() {
        byte[] loop = query("web", Type.A);
        // The question name is a pointer to itself at offset 12.
        byte[] selfPointer = new byte[] {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        byte[] longLabel = new byte[12 + 1 + 64 + 1 + 4];
        System.arraycopy(loop, 0, longLabel, 0, 12);
        longLabel[12] = 64;
        byte[] twoQuestions = query("web", Type.A);
        twoQuestions[5] = 2;
        byte[] noQuestion = new byte[] {0x12, 0x34, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] truncatedQuestion = java.util.Arrays.copyOf(loop, loop.length - 2);
        byte[] notify = query("web", Type.A);
        notify[2] = (byte) (4 << 3);
        return Stream.of(
                Arguments.of("a compression loop", selfPointer, Rcode.FORMERR),
                Arguments.of("a 64-byte label", longLabel, Rcode.FORMERR),
                Arguments.of("two questions", twoQuestions, Rcode.FORMERR),
                Arguments.of("no question", noQuestion, Rcode.FORMERR),
                Arguments.of("a question cut short", truncatedQuestion, Rcode.FORMERR),
                Arguments.of("opcode NOTIFY", notify, Rcode.NOTIMP));
    }

    @ParameterizedTest(name = "{0} gets {2}")
    @MethodSource("malformed")
    void malformedQueriesGetAnErrorWithTheirId(String why, byte[] wire, int rcode) {
        Message m = answer(wire, FRONT);

        assertThat(m.getRcode()).isEqualTo(rcode);
        assertThat(m.getHeader().getID()).isEqualTo(0x1234);
        assertThat(forwarder.asked).isEmpty();
    }

    @Test
    void inputsTooShortForAHeaderAndResponsesAreDroppedAndCounted() {
        byte[] response = query("web", Type.A);
        response[2] |= (byte) 0x80;

        assertThat(ask(new byte[5], false, FRONT)).isEmpty();
        assertThat(ask(response, false, FRONT)).isEmpty();
        assertThat(counters.malformed()).isEqualTo(2);
        assertThat(counters.queries()).isZero();
    }

    @Test
    void answersAreCountedByTypeAndCodeWithTheirLatency() {
        answer(query("web", Type.A), FRONT);
        answer(query("3.1.0.10.in-addr.arpa", Type.PTR), FRONT);

        assertThat(counters.queries(DnsCounters.QueryType.A, Rcode.NOERROR)).isEqualTo(1);
        assertThat(counters.queries(DnsCounters.QueryType.PTR, Rcode.NOERROR)).isEqualTo(1);
        long observed = 0;
        for (int i = 0; i <= DnsCounters.LATENCY_BOUNDS.length; i++) {
            observed += counters.latencyBucket(i);
        }
        assertThat(observed).isEqualTo(2);
    }
}
