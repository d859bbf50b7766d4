package io.swarmnet.vxlan;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TCP and UDP traffic between task namespaces, from Java sockets: a socket belongs to the
 * namespace of the thread that creates it, so each is opened inside {@code Netns.call} and
 * then used from ordinary threads.
 */
public final class Traffic {
    private Traffic() {
    }

    /** What one side of a transfer saw: bytes and their SHA-256. */
    public record Digest(long bytes, String sha256) {
    }

    /**
     * Sends {@code bytes} of seeded pseudo-random data over TCP from {@code client} (address
     * {@code clientIp}) to {@code server}:{@code port}; returns what the sender sent and what
     * the receiver got.
     *
     * <p>WARNING: the client socket is bound to {@code clientIp} inside its namespace before
     * it connects. Were it ever made elsewhere (the root namespace routes these test
     * addresses to the real network), the bind fails and nothing leaves the machine.
     */
    public static Digest[] tcp(TestNamespace client, int clientIp, TestNamespace server, int serverIp, int port, long bytes,
                               long seed, int timeoutSeconds) throws IOException {
        InetSocketAddress address = new InetSocketAddress(toInet(serverIp), port);
        InetSocketAddress local = new InetSocketAddress(toInet(clientIp), 0);
        ServerSocketChannel listener = server.netns().call(() -> {
            ServerSocketChannel ss = ServerSocketChannel.open();
            ss.bind(address);
            return ss;
        });
        SocketChannel socket = client.netns().call(() -> {
            SocketChannel sc = SocketChannel.open();
            try {
                sc.bind(local);
            } catch (IOException e) {
                sc.close();
                throw e;
            }
            return sc;
        });
        AtomicReference<SocketChannel> accepted = new AtomicReference<>();
        // Own threads for both blocking sides: a shared pool may run them one after the
        // other (JDK 25 on two cores does), and accept() would starve connect().
        ExecutorService sides = Executors.newFixedThreadPool(2);
        try (listener; socket) {
            CompletableFuture<Digest> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel in = listener.accept()) {
                    accepted.set(in);
                    MessageDigest sha = sha256();
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
                    byte[] chunk = new byte[1 << 16];
                    long total = 0;
                    int n;
                    while ((n = in.read(buf.clear())) >= 0) {
                        buf.flip().get(chunk, 0, n);
                        sha.update(chunk, 0, n);
                        total += n;
                    }
                    return new Digest(total, hex(sha.digest()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, sides);
            CompletableFuture<Digest> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.connect(address);
                    return send(socket, bytes, seed);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, sides);
            // Both sides run off this thread, so a stalled transfer ends at the deadline:
            // closing the sockets on the way out unblocks them.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            Digest out = sent.get(timeoutSeconds, TimeUnit.SECONDS);
            Digest in = received.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Digest[] {out, in};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("TCP transfer of " + bytes + " bytes failed", e);
        } finally {
            SocketChannel in = accepted.get();
            if (in != null) {
                in.close();
            }
            sides.shutdownNow();
        }
    }

    private static Digest send(SocketChannel socket, long bytes, long seed) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (r >>> (j * 8));
                }
            }
            sha.update(chunk, 0, n);
            buf.clear();
            buf.put(chunk, 0, n).flip();
            while (buf.hasRemaining()) {
                socket.write(buf);
            }
            left -= n;
        }
        socket.shutdownOutput();
        return new Digest(bytes, hex(sha.digest()));
    }

    /**
     * Sends {@code count} numbered datagrams of {@code size} bytes (at least 4) from
     * {@code client} (bound to {@code clientIp}, see {@link #tcp} for why) to a UDP echo in
     * {@code server}, one at a time; returns how many came back intact within a second each.
     */
    public static int udpEcho(TestNamespace client, int clientIp, TestNamespace server, int serverIp, int port, int count,
                              int size) throws IOException {
        InetSocketAddress address = new InetSocketAddress(toInet(serverIp), port);
        InetSocketAddress local = new InetSocketAddress(toInet(clientIp), 0);
        DatagramSocket echo = server.netns().call(() -> new DatagramSocket(address));
        DatagramSocket sender = client.netns().call(() -> new DatagramSocket(local));
        ExecutorService echoes = Executors.newSingleThreadExecutor();
        try (echo; sender) {
            CompletableFuture<Void> echoing = CompletableFuture.runAsync(() -> {
                DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
                try {
                    while (true) {
                        packet.setLength(65536);
                        echo.receive(packet);
                        echo.send(packet);
                    }
                } catch (IOException e) {
                    // Closed: the sender is done.
                }
            }, echoes);
            sender.setSoTimeout(1000);
            int got = 0;
            byte[] out = new byte[size];
            DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
            for (int i = 0; i < count; i++) {
                ByteBuffer.wrap(out).putInt(i);
                for (int j = 4; j < size; j++) {
                    out[j] = (byte) (i + j);
                }
                sender.send(new DatagramPacket(out, size, address));
                try {
                    reply.setLength(65536);
                    sender.receive(reply);
                    if (reply.getLength() == size && Arrays.equals(out, 0, size, reply.getData(), 0, size)) {
                        got++;
                    }
                } catch (SocketTimeoutException e) {
                    // Lost: counted by not counting it.
                }
            }
            echo.close();
            echoing.join();
            return got;
        } finally {
            echoes.shutdownNow();
        }
    }

    private static InetAddress toInet(int ip) throws IOException {
        return InetAddress.getByName(Ipv4Address.toString(ip));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }
}
