package io.swarmnet.lab.workload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EchoServerTest {
    EchoServer server;

    @BeforeEach
    void start() {
        server = EchoServer.start("web.3", "127.0.0.1", 0, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int contentLength = -1;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            sb.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        sb.append('\n').append(new String(in.readNBytes(contentLength), UTF_8));
        return sb.toString();
    }

    static String readLine(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void httpAnswersWithTaskNameAndAddressesOnAKeptAliveConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 2; i++) {
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
                String response = readResponse(s.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200 OK").contains("X-Task: web.3")
                        .endsWith("web.3 127.0.0.1:" + server.httpPort() + " client=127.0.0.1:" + s.getLocalPort() + "\n");
            }
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
            assertThat(readResponse(s.getInputStream())).contains("web.3");
            assertThat(s.getInputStream().read()).as("server closed").isEqualTo(-1);
        }
    }

    @Test
    void malformedHttpGetsBadRequestAndClose() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.getOutputStream().write("\u0001\u0002 garbage\r\n\r\n".getBytes(UTF_8));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 400 Bad Request");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void tcpEchoReturnsEveryByte() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(7).nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", server.echoPort())) {
            s.getOutputStream().write(data);
            assertThat(s.getInputStream().readNBytes(data.length)).isEqualTo(data);
        }
    }

    @Test
    void udpWhoAnswersWithTheNameAndUdpEchoReturnsThePayload() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2000);
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            s.send(new DatagramPacket(new byte[] {'?'}, 1, lo, server.httpPort()));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            s.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), UTF_8)).startsWith("web.3 127.0.0.1:");

            byte[] ping = "ping 42".getBytes(UTF_8);
            s.send(new DatagramPacket(ping, ping.length, lo, server.echoPort()));
            s.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), UTF_8)).isEqualTo("ping 42");
        }
    }

    @Test
    void aPortInUseFailsTheStartWithTheReason() {
        assertThatThrownBy(() -> EchoServer.start("other", "127.0.0.1", server.httpPort(), 0))
                .hasMessageContaining("in use");
    }

    @Test
    void withProxyProtocolAConnectionWithoutAHeaderIsClosed() throws Exception {
        try (EchoServer proxied = EchoServer.start("pp.1", "127.0.0.1", 0, 0, true);
             Socket s = new Socket("127.0.0.1", proxied.httpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
