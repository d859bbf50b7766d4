package io.swarmnet.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/** An upstream resolver on 127.0.0.1 (UDP and TCP on one port) that answers as a test tells it. */
final class FakeUpstream implements AutoCloseable {
    enum Mode { ANSWER, SERVFAIL, REFUSED, SILENT, TRUNCATE_UDP }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Mode mode;
    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();

    FakeUpstream(Mode mode) throws IOException {
        this.mode = mode;
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket server = null;
        DatagramSocket datagram = null;
        // One port for both, as a real resolver has; retry if the TCP port is taken.
        for (int i = 0; i < 20 && server == null; i++) {
            datagram = new DatagramSocket(new InetSocketAddress(lo, 0));
            try {
                server = new ServerSocket(datagram.getLocalPort(), 16, lo);
            } catch (IOException taken) {
                datagram.close();
            }
        }
        if (server == null) {
            throw new IOException("no free port pair on 127.0.0.1");
        }
        this.udp = datagram;
        this.tcp = server;
        Thread u = new Thread(this::serveUdp, "fake-upstream-udp");
        u.setDaemon(true);
        u.start();
        Thread t = new Thread(this::serveTcp, "fake-upstream-tcp");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                byte[] answer = answer(java.util.Arrays.copyOf(buf, p.getLength()), mode == Mode.TRUNCATE_UDP);
                if (answer != null) {
                    udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            }
        } catch (IOException closed) {
            // The test is over.
        }
    }

    private void serveTcp() {
        try {
            while (true) {
                try (Socket s = tcp.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] query = in.readNBytes(in.readUnsignedShort());
                    tcpQueries.incrementAndGet();
                    byte[] answer = answer(query, false);
                    if (answer != null) {
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        out.writeShort(answer.length);
                        out.write(answer);
                        out.flush();
                    }
                } catch (SocketException reset) {
                    if (tcp.isClosed()) {
                        return;
                    }
                }
            }
        } catch (IOException closed) {
            // The test is over.
        }
    }

    /** The query echoed as a response: 198.51.100.1 for any A question, or the error the mode asks for. */
    private byte[] answer(byte[] query, boolean truncate) throws IOException {
        if (mode == Mode.SILENT) {
            return null;
        }
        Message m = new Message(query);
        m.getHeader().setFlag(Flags.QR);
        switch (mode) {
            case SERVFAIL -> m.getHeader().setRcode(Rcode.SERVFAIL);
            case REFUSED -> m.getHeader().setRcode(Rcode.REFUSED);
            default -> m.addRecord(new org.xbill.DNS.ARecord(m.getQuestion().getName(), 1, 60,
                    InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 1})), org.xbill.DNS.Section.ANSWER);
        }
        if (truncate) {
            m.removeAllRecords(org.xbill.DNS.Section.ANSWER);
            m.getHeader().setFlag(Flags.TC);
        }
        return m.toWire();
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
