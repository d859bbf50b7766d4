package io.swarmnet.control.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster of several members on 127.0.0.1, each with its own free ports and
 * data directory, for tests of leader loss and failover. Members are killed by their PID;
 * everything is removed afterwards, also when the test JVM exits early.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final EtcdClusterFixture ETCD = new EtcdClusterFixture(3);
 * </pre>
 */
public final class EtcdClusterFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final long START_TIMEOUT_MS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token = "swarmnet-cluster-" + UUID.randomUUID().toString().substring(0, 8);
    private final int size;
    private final List<Member> members = new ArrayList<>();
    private Path root;
    private Thread cleanupHook;

    public EtcdClusterFixture(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster has at least one member");
        }
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts every member and waits until the cluster has a leader and each member is healthy. */
    public synchronized void start() throws IOException, InterruptedException {
        root = Files.createTempDirectory("swarmnet-etcd-cluster-");
        cleanupHook = new Thread(this::close, "etcd-cluster-fixture-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        for (int i = 0; i < size; i++) {
            members.add(new Member(token + "-m" + (i + 1), EtcdFixture.freePort(), EtcdFixture.freePort(),
                    root.resolve("m" + (i + 1))));
        }
        for (Member m : members) {
            launch(m);
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        for (Member m : members) {
            awaitHealthy(m, deadline);
        }
    }

    /** {@code 127.0.0.1:<port>} of every member, in member order. */
    public List<String> endpoints() {
        return members.stream().map(Member::endpoint).toList();
    }

    /** {@code etcd://a,b,c} with the members in the given order. */
    public String storeUrl(List<String> endpoints) {
        return "etcd://" + String.join(",", endpoints);
    }

    public String storeUrl() {
        return storeUrl(endpoints());
    }

    /** The index of the member that is leader now, asking each live member in turn. */
    public int leader() throws IOException {
        for (Member m : members) {
            if (m.process == null) {
                continue;
            }
            try {
                long leader = Long.parseUnsignedLong(status(m).path("leader").asText());
                for (int i = 0; i < members.size(); i++) {
                    if (members.get(i).process != null && memberId(i) == leader) {
                        return i;
                    }
                }
            } catch (IOException e) {
                // Ask the next one.
            }
        }
        throw new IOException("no live member knows a leader");
    }

    /** The etcd member id of member {@code index}, as watch and status headers carry it. */
    public long memberId(int index) throws IOException {
        Member m = members.get(index);
        if (m.id == 0) {
            m.id = Long.parseUnsignedLong(status(m).path("header").path("member_id").asText());
        }
        return m.id;
    }

    /** Hands leadership from the current leader to member {@code index} and waits until it holds it. */
    public void moveLeader(int index) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (leader() != index) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("member " + index + " did not become leader");
            }
            Member current = members.get(leader());
            post(current, "/v3/maintenance/transfer-leadership", "{\"targetID\":\"" + Long.toUnsignedString(memberId(index)) + "\"}");
            Thread.sleep(200);
        }
    }

    /** Kills member {@code index} at once (SIGKILL), as a crash would; its data stays. */
    public synchronized void kill(int index) throws InterruptedException {
        Member m = members.get(index);
        if (m.process != null) {
            m.process.destroyForcibly();
            m.process.waitFor(10, TimeUnit.SECONDS);
            m.process = null;
        }
    }

    public long pid(int index) {
        return members.get(index).process.pid();
    }

    @Override
    public synchronized void close() {
        for (int i = 0; i < members.size(); i++) {
            try {
                kill(i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (root != null) {
            FixtureFiles.deleteTree(root, "etcd cluster fixture");
            root = null;
        }
        if (cleanupHook != null && Thread.currentThread() != cleanupHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down and runs the hook anyway.
            }
        }
        cleanupHook = null;
    }

    private void launch(Member m) throws IOException {
        Files.createDirectories(m.dir);
        String initialCluster = members.stream().map(x -> x.name + "=" + x.peerUrl()).collect(Collectors.joining(","));
        List<String> command = List.of("etcd",
                "--name", m.name,
                "--data-dir", m.dir.resolve("data").toString(),
                "--listen-client-urls", m.clientUrl(),
                "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(),
                "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", token,
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-outputs", "stderr",
                "--log-level", "warn");
        m.process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.dir.resolve("etcd.log").toFile()))
                .start();
    }

    private void awaitHealthy(Member m, long deadline) throws IOException, InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            if (!m.process.isAlive()) {
                throw new IOException("etcd member " + m.name + " exited at start; its log:\n" + FixtureFiles.tail(m.dir.resolve("etcd.log")));
            }
            if (healthy(m)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("etcd member " + m.name + " did not turn healthy; its log:\n" + FixtureFiles.tail(m.dir.resolve("etcd.log")));
    }

    private static boolean healthy(Member m) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(m.clientUrl() + "/health").toURL().openConnection();
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

    private static JsonNode status(Member m) throws IOException {
        return JSON.readTree(post(m, "/v3/maintenance/status", "{}"));
    }

    private static String post(Member m, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(m.clientUrl() + path).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(3000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try {
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            if (c.getResponseCode() != 200) {
                throw new IOException(path + " at " + m.clientUrl() + " answered " + c.getResponseCode());
            }
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** One member: its ports, directory, process and, once asked, its member id. */
    private static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final Path dir;
        Process process;
        long id;

        Member(String name, int clientPort, int peerPort, Path dir) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dir = dir;
        }

        String endpoint() {
            return LOOPBACK + ":" + clientPort;
        }

        String clientUrl() {
            return "http://" + endpoint();
        }

        String peerUrl() {
            return "http://" + LOOPBACK + ":" + peerPort;
        }
    }
}
