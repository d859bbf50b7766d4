package io.swarmnet.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Forwards over UDP with TCP when the answer is truncated, trying the upstreams in order
 * and moving on after a timeout, SERVFAIL or REFUSED.
 *
 * <p>Design notes. Each forwarded query runs on its own pool thread with its own
 * connected socket: a fresh ephemeral port and a random query ID per attempt make a
 * spoofed answer unlikely, and blocking sockets keep the TCP fallback simple. The pool
 * has {@link DnsConfig#maxForwarded} threads and no queue, which is the bound on
 * queries in flight. The threads are ordinary agent threads, so the upstream sockets
 * live in the agent's namespace, never in a task's.
 */
public final class DefaultDnsForwarder implements DnsForwarder {
    private static final int MAX_MESSAGE = 65_535;
    private static final int RCODE_SERVFAIL = 2;
    private static final int RCODE_REFUSED = 5;

    private final List<InetSocketAddress> upstreams;
    private final int timeoutMillis;
    private final DnsCounters counters;
    private final ThreadPoolExecutor pool;

    public DefaultDnsForwarder(DnsConfig config, DnsCounters counters) {
        this.upstreams = config.upstreams();
        this.timeoutMillis = (int) Math.max(1, config.upstreamTimeout().toMillis());
        this.counters = counters;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.maxForwarded(), config.maxForwarded(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "swarmnet-dns-forward-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public boolean forward(byte[] query, Consumer<byte[]> done) {
        try {
            pool.execute(() -> done.accept(resolve(query)));
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    private byte[] resolve(byte[] query) {
        for (InetSocketAddress upstream : upstreams) {
            byte[] answer = null;
            try {
                answer = ask(upstream, query);
            } catch (IOException e) {
                // Timeout, unreachable, reset: the next upstream may do better.
            }
            int rcode = answer == null ? -1 : answer[3] & 0x0f;
            if (answer == null || rcode == RCODE_SERVFAIL || rcode == RCODE_REFUSED) {
                counters.countUpstreamFailure();
                continue;
            }
            return answer;
        }
        return null;
    }

    /** One upstream: UDP, then TCP if the UDP answer is truncated; null for a TCP answer that does not match. */
    private byte[] ask(InetSocketAddress upstream, byte[] query) throws IOException {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        byte[] wire = query.clone();
        wire[0] = (byte) (id >> 8);
        wire[1] = (byte) id;
        byte[] answer = udp(upstream, wire, id);
        if ((answer[2] & 0x02) != 0) {
            answer = tcp(upstream, wire, id);
            if (answer == null) {
                return null;
            }
        }
        // The client sees its own ID.
        answer[0] = query[0];
        answer[1] = query[1];
        return answer;
    }

    private byte[] udp(InetSocketAddress upstream, byte[] wire, int id) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(upstream);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[MAX_MESSAGE];
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SocketTimeoutException("no answer from " + upstream);
                }
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                // Only an answer to this very question counts; strays and spoofs are ignored.
                if (p.getLength() >= 12 && matches(buf, id)) {
                    byte[] out = new byte[p.getLength()];
                    System.arraycopy(buf, 0, out, 0, out.length);
                    return out;
                }
            }
        }
    }

    private byte[] tcp(InetSocketAddress upstream, byte[] wire, int id) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(upstream, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            out.write(framed);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            byte[] answer = in.readNBytes(length);
            return answer.length == length && length >= 12 && matches(answer, id) ? answer : null;
        }
    }

    private static boolean matches(byte[] answer, int id) {
        return ((answer[0] & 0xff) << 8 | (answer[1] & 0xff)) == id && (answer[2] & 0x80) != 0;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
