package io.swarmnet.dns;

import static io.swarmnet.dns.TestQueries.FRONT;
import static io.swarmnet.dns.TestQueries.message;
import static io.swarmnet.dns.TestQueries.parse;
import static io.swarmnet.dns.TestQueries.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.dns.FakeUpstream.Mode;
import io.swarmnet.sys.Netns;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

@Timeout(30)
class DnsServerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private FakeUpstream upstream;
    private DnsServer server;

    @BeforeEach
    void setUp() throws IOException {
        upstream = new FakeUpstream(Mode.ANSWER);
        server = DnsServer.start(new DnsConfig(5, List.of(upstream.address()), Duration.ofSeconds(1), 10));
        server.publish(TestQueries.table());
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        upstream.close();
    }

    static byte[] udp(InetSocketAddress to, byte[] query, int timeoutMillis) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(query, query.length, to));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
    }

    static byte[] tcp(InetSocketAddress to, byte[] query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 2000);
            s.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            return in.readNBytes(in.readUnsignedShort());
        }
    }

    @Test
    void answersOverUdpAndTcpOnOnePort() throws IOException {
        try (DnsEndpoint endpoint = server.open(null, ANY_LOOPBACK_PORT, List.of(FRONT))) {
            Message viaUdp = parse(udp(endpoint.localAddress(), query("big", Type.A), 2000));
            Message viaTcp = parse(tcp(endpoint.localAddress(), query("big", Type.A)));

            assertThat(TestQueries.truncated(viaUdp)).isTrue();
            assertThat(viaTcp.getSectionArray(Section.ANSWER)).hasSize(100);
            Message small = parse(udp(endpoint.localAddress(), message("TASKS.web", Type.A, 1232).toWire(), 2000));
            assertThat(small.getSectionArray(Section.ANSWER)).hasSize(2);
            assertThat(small.getQuestion().getName().toString()).isEqualTo("TASKS.web.");
            assertThat(small.getOPT()).isNotNull();
            assertThat(server.counters().queries(DnsCounters.QueryType.A, Rcode.NOERROR)).isEqualTo(3);
        }
    }

    @Test
    void externalNamesAreForwardedFromTheAgentsSide() throws IOException {
        try (DnsEndpoint endpoint = server.open(null, ANY_LOOPBACK_PORT, List.of(FRONT))) {
            Message m = parse(udp(endpoint.localAddress(), message("example.test", Type.A, 1232).toWire(), 3000));

            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(m.getSectionArray(Section.ANSWER)).hasSize(1);
            assertThat(upstream.udpQueries.get()).isEqualTo(1);
            assertThat(server.counters().forwarded()).isEqualTo(1);
        }
    }

    @Test
    void aClosedEndpointNoLongerAnswers() throws IOException {
        DnsEndpoint endpoint = server.open(null, ANY_LOOPBACK_PORT, List.of(FRONT));
        InetSocketAddress at = endpoint.localAddress();
        endpoint.close();

        assertThat(endpoint.isOpen()).isFalse();
        assertThatThrownBy(() -> udp(at, query("web", Type.A), 300)).isInstanceOf(IOException.class);
    }

    @Test
    @Tag("privileged")
    void aTaskNamespaceGetsItsOwnResolverAt127_0_0_11() throws Exception {
        String name;
        try (TestNamespace task = TestNamespace.create("sndns")) {
            name = task.name();
            Netns netns = task.netns();
            try (DnsEndpoint endpoint = server.open(netns, DnsServer.TASK_ADDRESS, List.of(FRONT))) {
                byte[] inside = netns.call(() -> udp(DnsServer.TASK_ADDRESS, query("web", Type.A), 2000));
                byte[] insideTcp = netns.call(() -> tcp(DnsServer.TASK_ADDRESS, query("web", Type.A)));

                assertThat(parse(inside).getSectionArray(Section.ANSWER)).hasSize(1);
                assertThat(parse(insideTcp).getSectionArray(Section.ANSWER)).hasSize(1);
                // The host's 127.0.0.11 is another address: nothing of the task's resolver is there.
                assertThatThrownBy(() -> udp(DnsServer.TASK_ADDRESS, query("web", Type.A), 300))
                        .isInstanceOf(IOException.class);
            }
        }
        assertThat(Files.exists(Netns.NAMED_DIR.resolve(name))).isFalse();
    }
}
