package io.swarmnet.control.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-member etcd on 127.0.0.1 with free random ports and a temporary data
 * directory, for tests. Register it with {@code @RegisterExtension static EtcdFixture etcd
 * = new EtcdFixture();} or use it as an {@link AutoCloseable}. It is killed by its PID and
 * its directory deleted afterwards, also when the test JVM exits early.
 */
public final class EtcdFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final long START_TIMEOUT_MS = 20_000;
    private static final int PORT_ATTEMPTS = 3;

    private final String name = "swarmnet-test-" + UUID.randomUUID().toString().substring(0, 8);
    private Path dataDir;
    private int clientPort;
    private int peerPort;
    private Process process;
    private Thread cleanupHook;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts etcd on new free ports and a new data directory and waits until it is healthy. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("etcd " + name + " is already running");
        }
        dataDir = Files.createTempDirectory("swarmnet-etcd-");
        cleanupHook = new Thread(this::close, "etcd-fixture-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        IOException last = null;
        // Another process may grab a port between our probe and etcd's bind; try again then.
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            clientPort = freePort();
            peerPort = freePort();
            try {
                launch(true);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Kills etcd but keeps its data and ports, to simulate a manager outage. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            kill(process);
            process = null;
        }
    }

    /** Starts etcd again after {@link #stop()}, on the same ports with the same data. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("etcd " + name + " is already running");
        }
        launch(false);
    }

    private void launch(boolean fresh) throws IOException, InterruptedException {
        String peerUrl = "http://" + LOOPBACK + ":" + peerPort;
        List<String> command = List.of("etcd",
                "--name", name,
                "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", name + "=" + peerUrl,
                "--initial-cluster-token", name,
                "--initial-cluster-state", fresh ? "new" : "existing",
                "--logger", "zap",
                "--log-outputs", "stderr",
                "--log-level", "warn");
        Path log = dataDir.resolve("etcd.log");
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run etcd (Debian package etcd-server, which bin/test installs): " + e.getMessage(), e);
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                process = null;
                throw new IOException("etcd exited at start; its log " + log + ":\n" + FixtureFiles.tail(log));
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(100);
        }
        kill(process);
        process = null;
        throw new IOException("etcd did not turn healthy within " + START_TIMEOUT_MS + " ms; its log:\n" + FixtureFiles.tail(log));
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(clientUrl() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200
                        && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:<port>}, the member's one client URL. */
    public String clientUrl() {
        return "http://" + LOOPBACK + ":" + clientPort;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String endpoint() {
        return LOOPBACK + ":" + clientPort;
    }

    /** {@code etcd://127.0.0.1:<port>}, as the agent's --store takes it. */
    public String storeUrl() {
        return "etcd://" + endpoint();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dataDir != null) {
            FixtureFiles.deleteTree(dataDir, "etcd fixture");
            dataDir = null;
        }
        if (cleanupHook != null && Thread.currentThread() != cleanupHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down and runs the hook anyway.
            }
        }
        cleanupHook = null;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A port nothing listens on right now, on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }
}
