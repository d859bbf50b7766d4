package io.swarmnet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.cli.Main;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.testing.EtcdFixture;
import io.swarmnet.node.api.ApiClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The agent daemon against a real etcd on loopback: start, serve, register, outage, stop. */
@Timeout(120)
class AgentLifecycleTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(5);

    private static EtcdStore store;

    @TempDir
    Path tmp;

    @BeforeAll
    static void connect() {
        store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void disconnect() {
        if (store != null) {
            store.close();
        }
    }

    private static String metricsAddr() throws Exception {
        return "127.0.0.1:" + EtcdFixture.freePort();
    }

    private AgentProcess start(String hostname, String advertise, Path dataRoot, String metrics, String... more) throws Exception {
        String[] base = {"--hostname", hostname, "--advertise-addr", advertise, "--store", ETCD.storeUrl(),
                         "--metrics-addr", metrics, "--data-root", dataRoot.toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return AgentProcess.start(tmp.resolve("logs"), metrics, args);
    }

    private static Node record(String nodeId) {
        return ModelJson.read(store.get(Keys.node(nodeId)).orElseThrow().value(), Node.class);
    }

    @Test
    void managerServesHealthAndMetricsRegistersAndShowsDownAtOnceAfterSigterm() throws Exception {
        Path dataRoot = tmp.resolve("m1");
        String metrics = metricsAddr();
        try (AgentProcess agent = start("lab-m1", "127.0.0.1", dataRoot, metrics)) {
            agent.awaitHealth(200, START);
            String id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();

            assertThat(agent.get("/healthz").body()).isEqualTo("ok\n");
            HttpResponse<String> scrape = agent.get("/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            assertThat(scrape.body())
                    .contains("swarmnet_node_info{hostname=\"lab-m1\",node_id=\"" + id + "\",role=\"manager\"} 1.0")
                    .contains("# TYPE swarmnet_store_lease_keepalives_total counter")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_current");
            assertThat(agent.status("/nope")).isEqualTo(404);
            JsonNode info = new ApiClient(dataRoot.resolve("api.sock")).call("GET", "/v1/info", null);
            assertThat(info.path("nodeId").asText()).isEqualTo(id);
            assertThat(info.path("role").asText()).isEqualTo("manager");
            assertThat(info.path("dataPathPort").asInt()).isEqualTo(4789);

            assertThat(record(id)).isEqualTo(Node.of(id, "lab-m1", NodeRole.MANAGER, "127.0.0.1"));
            KeyValue alive = store.get(Keys.nodeAlive(id)).orElseThrow();
            assertThat(alive.leaseId()).isNotZero();

            long start = System.nanoTime();
            assertThat(agent.terminate(STOP)).isZero();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(STOP);
            assertThat(store.get(Keys.nodeAlive(id))).isEmpty();
            assertThat(store.get(Keys.node(id))).isPresent();
            assertThat(dataRoot.resolve("api.sock")).as("API socket removed on stop").doesNotExist();
            assertThat(agent.stderr())
                    .contains("swarmnet agent started: node " + id + " (lab-m1) role=manager")
                    .contains("metrics=http://" + metrics)
                    .contains("swarmnet agent stopped: node " + id);
        }
    }

    @Test
    void restartKeepsTheNodeIdAndUpdatesTheRecord() throws Exception {
        Path dataRoot = tmp.resolve("n1");
        String id;
        try (AgentProcess first = start("lab-n1", "127.0.0.1", dataRoot, metricsAddr())) {
            first.awaitHealth(200, START);
            id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();
            assertThat(first.terminate(STOP)).isZero();
        }

        // Not an etcd member's address any more: the same node comes back as a worker.
        try (AgentProcess second = start("lab-n1", "127.0.0.2", dataRoot, metricsAddr())) {
            second.awaitHealth(200, START);

            assertThat(Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip()).isEqualTo(id);
            assertThat(store.get(Keys.nodeAlive(id))).isPresent();
            assertThat(record(id)).isEqualTo(Node.of(id, "lab-n1", NodeRole.WORKER, "127.0.0.2"));
            assertThat(second.terminate(STOP)).isZero();
        }
    }

    @Test
    void lostStoreTurnsHealthzUnavailableWithoutStoppingAndRecovers() throws Exception {
        Path dataRoot = tmp.resolve("w1");
        try (AgentProcess agent = start("lab-w1", "127.0.0.3", dataRoot, metricsAddr(), "--node-ttl", "3")) {
            agent.awaitHealth(200, START);
            String id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();

            ETCD.stop();
            try {
                agent.awaitHealth(503, Duration.ofSeconds(10));
                Thread.sleep(4_000);
                assertThat(agent.isAlive()).isTrue();
                assertThat(agent.status("/healthz")).isEqualTo(503);
                assertThat(agent.status("/metrics")).isEqualTo(200);
            } finally {
                ETCD.restart();
            }

            agent.awaitHealth(200, Duration.ofSeconds(40));
            assertThat(store.get(Keys.nodeAlive(id))).isPresent();

            // Stopping while the store is away must not wait for it.
            ETCD.stop();
            try {
                agent.awaitHealth(503, Duration.ofSeconds(10));
                assertThat(agent.terminate(STOP)).isZero();
            } finally {
                ETCD.restart();
            }
        }
    }

    @Test
    void metricsAddressInUseFailsInOneLineAndRegistersNothing() throws Exception {
        Path dataRoot = tmp.resolve("busy");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String metrics = "127.0.0.1:" + busy.getLocalPort();
            try (AgentProcess agent = start("lab-busy", "127.0.0.1", dataRoot, metrics)) {
                assertThat(agent.waitForExit(START)).isEqualTo(1);
                assertThat(agent.stderr().lines()).containsExactly(
                        "swarmnet: error: cannot serve metrics on --metrics-addr " + metrics + ": Address already in use");
            }
        }
        String id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();
        assertThat(store.get(Keys.node(id))).isEmpty();
        assertThat(store.get(Keys.nodeAlive(id))).isEmpty();
    }

    @Test
    void unreachableStoreFailsInOneLineNamingTheEndpointWithinTheTimeout() throws Exception {
        int port = EtcdFixture.freePort();
        String[] args = {"--advertise-addr", "127.0.0.1", "--store", "etcd://127.0.0.1:" + port,
                         "--metrics-addr", metricsAddr(), "--data-root", tmp.resolve("u").toString(), "--store-timeout", "2"};
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("logs"), "127.0.0.1:0", args)) {
            assertThat(agent.waitForExit(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(agent.stderr().lines()).singleElement().asString()
                    .startsWith("swarmnet: error: cannot reach etcd at 127.0.0.1:" + port + " (list members): ");
        }
    }

    @Test
    void inProcessAgentStopsWhenItsThreadIsInterrupted() throws Exception {
        Path dataRoot = tmp.resolve("ip");
        String metrics = metricsAddr();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread runner = new Thread(() -> exit.complete(cl.execute("agent", "--hostname", "lab-ip", "--advertise-addr", "127.0.0.1",
                "--store", ETCD.storeUrl(), "--metrics-addr", metrics, "--data-root", dataRoot.toString())), "agent-under-test");
        runner.start();
        HttpProbe probe = new HttpProbe(metrics);
        try {
            long deadline = System.nanoTime() + START.toNanos();
            while (probe.status("/healthz") != 200 && System.nanoTime() < deadline && runner.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(probe.status("/healthz")).as("healthz; stderr: %s", err).isEqualTo(200);
            String id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();
            assertThat(store.get(Keys.nodeAlive(id))).isPresent();

            runner.interrupt();

            assertThat(exit.get(STOP.toMillis(), TimeUnit.MILLISECONDS)).isZero();
            assertThat(store.get(Keys.nodeAlive(id))).isEmpty();
            assertThat(probe.status("/healthz")).isEqualTo(-1);
        } finally {
            runner.interrupt();
            runner.join(10_000);
        }
    }
}
