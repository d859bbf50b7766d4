package io.swarmnet.node.mesh;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.swarmnet.lab.workload.EchoServer;
import io.swarmnet.node.net.SocketTransport;
import io.swarmnet.packet.Ipv4Address;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpProxyProtocolForwarderTest {
    private static final int LOOPBACK = Ipv4Address.parse("127.0.0.1");

    private EventLoopGroup group;
    private EchoServer task;
    private TcpProxyProtocolForwarder forwarder;

    @BeforeEach
    void start() {
        group = SocketTransport.best().group(1, "test-proxy");
        task = EchoServer.start("pp.1", "127.0.0.1", 0, 0, true);
    }

    @AfterEach
    void stop() {
        if (forwarder != null) {
            forwarder.close();
        }
        task.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private static String get(Socket s) throws Exception {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), UTF_8);
    }

    @Test
    void theTaskReadsTheClientsAddressFromTheHeaderAndTheRestIsRelayed() throws Exception {
        forwarder = TcpProxyProtocolForwarder.bind(0, task.httpPort(), List.of(LOOPBACK), LOOPBACK, SocketTransport.best(), group);

        try (Socket s = new Socket("127.0.0.1", forwarder.localPort())) {
            String answer = get(s);
            assertThat(answer).startsWith("HTTP/1.1 200 OK")
                    .contains("pp.1 127.0.0.1:" + task.httpPort() + " client=127.0.0.1:" + s.getLocalPort() + " via=127.0.0.1:");
        }
    }

    @Test
    void withoutATaskTheClientIsResetAtOnce() throws Exception {
        forwarder = TcpProxyProtocolForwarder.bind(0, task.httpPort(), List.of(), LOOPBACK, SocketTransport.best(), group);

        try (Socket s = new Socket("127.0.0.1", forwarder.localPort())) {
            s.setSoTimeout(5000);
            int first;
            try {
                first = s.getInputStream().read();
            } catch (SocketException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
        }
    }

    @Test
    void newTargetsTakeOverForNewConnections() throws Exception {
        forwarder = TcpProxyProtocolForwarder.bind(0, task.httpPort(), List.of(), LOOPBACK, SocketTransport.best(), group);
        forwarder.targets(List.of(LOOPBACK), LOOPBACK);

        try (Socket s = new Socket("127.0.0.1", forwarder.localPort())) {
            assertThat(get(s)).contains("client=127.0.0.1:" + s.getLocalPort());
        }
    }
}
