package io.swarmnet.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A TCP transfer whose both ends print what they saw: {@code recv PORT} takes one
 * connection and reads it to the end, {@code send HOST PORT BYTES} sends pseudo-random
 * bytes; each prints {@code <bytes> <sha256>}. End-to-end tests run the two ends in task
 * namespaces (the machine has no nc) and compare the lines.
 */
public final class ChecksumTransfer {
    private static final int CONNECT_WINDOW_MS = 15_000;

    private ChecksumTransfer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("recv")) {
            receive(Integer.parseInt(args[1]));
        } else if (args.length == 4 && args[0].equals("send")) {
            send(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]));
        } else {
            System.err.println("usage: recv PORT | send HOST PORT BYTES");
            System.exit(2);
        }
    }

    private static void receive(int port) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(port));
            server.setSoTimeout(CONNECT_WINDOW_MS);
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[256 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    sha.update(buf, 0, n);
                    total += n;
                }
            }
        }
        System.out.println(total + " " + HexFormat.of().formatHex(sha.digest()));
    }

    private static void send(String host, int port, long bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[256 * 1024];
        long x = 0x9E3779B97F4A7C15L ^ System.nanoTime();
        try (Socket s = connect(host, port); OutputStream out = s.getOutputStream()) {
            long left = bytes;
            while (left > 0) {
                // xorshift64: cheap, and different on every run so nothing can be cached.
                for (int i = 0; i < buf.length; i += 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    for (int b = 0; b < 8; b++) {
                        buf[i + b] = (byte) (x >>> (b * 8));
                    }
                }
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                left -= n;
            }
            s.shutdownOutput();
        }
        System.out.println(bytes + " " + HexFormat.of().formatHex(sha.digest()));
    }

    // The receiver starts in another JVM at about the same time: retry until it listens.
    private static Socket connect(String host, int port) throws Exception {
        long deadline = System.currentTimeMillis() + CONNECT_WINDOW_MS;
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), 2000);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
