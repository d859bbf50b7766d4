package io.swarmnet.node.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.NetworkRequest;
import io.swarmnet.control.cluster.NetworkSpec;
import io.swarmnet.control.cluster.ServiceSpec;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.lab.CommandRunner;
import io.swarmnet.lab.LabExtension;
import io.swarmnet.lab.LabHost;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.sys.Netns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's data plane end to end: a service with two tasks on two lab hosts, attached
 * through each host's agent API, reaching each other over the overlay (1400-byte underlay)
 * and the internet through the gwbridge.
 */
@Tag("privileged")
@Timeout(150)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayLabTest {
    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).underlayMtu(1400).build();
    private static final CommandRunner RUN = new CommandRunner();

    private static EtcdStore store;
    private static Network network;
    private static final List<Task> TASKS = new ArrayList<>();
    private static final List<String> HOSTS = new ArrayList<>();
    private static final List<String> NAMESPACES = new ArrayList<>();

    @BeforeAll
    static void createServiceAndNamespaces() throws Exception {
        // etcd is reachable only inside the lab: the client's threads are born in a lab
        // host's namespace (threads inherit the namespace of the thread that creates them).
        ClusterStore cluster;
        try (Netns m1 = Netns.named(LAB.namespace("m1"))) {
            cluster = m1.call(() -> {
                store = EtcdStore.connect(StoreAddress.parse(LAB.storeUrl()), Duration.ofSeconds(5));
                ClusterStore c = new ClusterStore(store);
                network = c.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));
                return c;
            });
        }
        Service web = cluster.createService(ServiceSpec.replicated("web", 2).withNetworks(NetworkRequest.of("app")));
        for (Task task : cluster.read().tasksOf(web.id())) {
            String hostname = cluster.read().nodeById(task.nodeId()).orElseThrow().hostname();
            String host = hostname.substring(LAB.name().length() + 1);
            String ns = LAB.name() + "-" + host + "-web." + task.slot();
            RUN.check("ip", "netns", "add", ns);
            TASKS.add(task);
            HOSTS.add(host);
            NAMESPACES.add(ns);
        }
        assertThat(HOSTS).hasSize(2).doesNotHaveDuplicates();
    }

    @AfterAll
    static void removeNamespaces() {
        for (String ns : NAMESPACES) {
            RUN.run(List.of("ip", "netns", "del", ns));
        }
        if (store != null) {
            store.close();
        }
    }

    private static ApiClient api(String host) {
        return new ApiClient(LAB.lab().apiSocket(host));
    }

    private static JsonNode attach(int i) throws Exception {
        return api(HOSTS.get(i)).call("POST", "/v1/tasks/attach",
                Map.of("taskId", TASKS.get(i).id(), "netns", "/run/netns/" + NAMESPACES.get(i)));
    }

    private static CommandRunner.Result inTask(int i, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACES.get(i)));
        argv.addAll(List.of(command));
        return RUN.run(Duration.ofSeconds(30), argv);
    }

    private static String ip(int i) {
        return TASKS.get(i).endpoints().get(0).ip();
    }

    @Test
    @Order(1)
    void attachGivesEachTaskItsOverlayAndGwbridgeInterfaces() throws Exception {
        for (int i = 0; i < 2; i++) {
            JsonNode answer = attach(i);
            assertThat(answer.path("taskId").asText()).isEqualTo(TASKS.get(i).id());
            assertThat(answer.path("name").asText()).isEqualTo("web." + TASKS.get(i).slot());
            JsonNode eth0 = answer.path("interfaces").get(0);
            assertThat(eth0.path("interface").asText()).isEqualTo("eth0");
            assertThat(eth0.path("network").asText()).isEqualTo("app");
            assertThat(eth0.path("vni").asInt()).isEqualTo(network.vni());
            assertThat(eth0.path("ip").asText()).isEqualTo(ip(i));
            assertThat(eth0.path("prefixLength").asInt()).isEqualTo(24);
            assertThat(eth0.path("mtu").asInt()).isEqualTo(1350);
            JsonNode eth1 = answer.path("interfaces").get(1);
            assertThat(eth1.path("interface").asText()).isEqualTo("eth1");
            assertThat(eth1.path("network").asText()).isEqualTo("docker_gwbridge");

            String link = inTask(i, "ip", "-o", "link", "show", "eth0").stdout();
            assertThat(link).contains("mtu 1350").contains(TASKS.get(i).endpoints().get(0).mac()).contains("UP");
            assertThat(inTask(i, "ip", "-4", "-o", "addr", "show", "eth0").stdout()).contains(ip(i) + "/24");
            assertThat(inTask(i, "ip", "route").stdout()).contains("default via 172.18.0.1 dev eth1")
                    .contains("10.0.9.0/24 dev eth0");
        }
    }

    @Test
    @Order(2)
    void attachingAgainGivesTheSameAnswerAndNothingTwice() throws Exception {
        JsonNode before = api(HOSTS.get(0)).call("GET", "/v1/tasks", null);
        JsonNode again = attach(0);
        assertThat(again.path("interfaces")).isEqualTo(before.get(0).path("interfaces"));
        assertThat(api(HOSTS.get(0)).call("GET", "/v1/tasks", null)).hasSize(1);
        assertThat(inTask(0, "ip", "-o", "link").stdout().lines().filter(l -> l.contains("eth")).count()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void tasksPingEachOtherAcrossHostsBothWays() {
        for (int[] pair : new int[][] {{0, 1}, {1, 0}}) {
            CommandRunner.Result r = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                r = inTask(pair[0], "ping", "-c1", "-W1", ip(pair[1]));
                if (r.ok()) {
                    break;
                }
            }
            assertThat(r.exitCode()).as("ping %s -> %s: %s", pair[0], pair[1], r.stdout() + r.stderr()).isZero();
        }
        // A full-size frame crosses the 1400-byte underlay unfragmented: 1322 + 28 = 1350.
        assertThat(inTask(0, "ping", "-c1", "-W2", "-M", "do", "-s", "1322", ip(1)).exitCode()).isZero();
    }

    @Test
    @Order(4)
    void tcpTransferCrossesTheOverlayBothWays() throws Exception {
        Process server = new ProcessBuilder("ip", "netns", "exec", NAMESPACES.get(1), "iperf3", "-s", "-1", "-B", ip(1),
                "-p", "5201").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CommandRunner.Result r = null;
            for (int attempt = 0; attempt < 40; attempt++) {
                r = inTask(0, "iperf3", "-c", ip(1), "-p", "5201", "-n", "32M", "--bidir");
                if (r.ok()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(r.exitCode()).as("iperf3: %s", r.stdout() + r.stderr()).isZero();
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    @Test
    @Order(5)
    void taskReachesTheInternetThroughTheGwbridge() {
        CommandRunner.Result r = inTask(0, "ping", "-c1", "-W2", LabHost.INTERNET_ADDRESS);
        assertThat(r.exitCode()).as("ping internet: %s", r.stdout() + r.stderr()).isZero();
    }

    @Test
    @Order(6)
    void metricsCountTheNetworksTrafficAndPeers() throws Exception {
        String metrics = LAB.exec(HOSTS.get(0), "curl", "-sf", "--max-time", "2",
                "http://" + LAB.lab().metricsAddr(HOSTS.get(0)) + "/metrics").stdout();
        assertThat(metrics)
                .containsPattern("swarmnet_overlay_tx_packets_total\\{network=\"app\",vni=\"" + network.vni() + "\"} [1-9]")
                .containsPattern("swarmnet_overlay_rx_packets_total\\{network=\"app\",vni=\"" + network.vni() + "\"} [1-9]")
                .contains("swarmnet_overlay_drops_total{network=\"app\",reason=\"unknown_peer\",vni=\"" + network.vni() + "\"}")
                .contains("swarmnet_vtep_peers 2.0")
                .containsPattern("swarmnet_cluster_view_revision [1-9]");

        // The tests before sent a few pings: far under the gather threshold, so a VTEP
        // with a loop per CPU steers by CPU once it has been quiet for a second, and every
        // gather it made was followed by a spread. One loop never steers nor switches.
        long loops = metric(metrics, "swarmnet_vtep_event_loops");
        assertThat(loops).as("loops on a 2-CPU lab host").isBetween(1L, 2L);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (loops > 1 && metric(metrics, "swarmnet_vtep_steering_by_cpu") != 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            metrics = LAB.exec(HOSTS.get(0), "curl", "-sf", "--max-time", "2",
                    "http://" + LAB.lab().metricsAddr(HOSTS.get(0)) + "/metrics").stdout();
        }
        long switches = metric(metrics, "swarmnet_vtep_steering_switches_total");
        assertThat(metric(metrics, "swarmnet_vtep_steering_by_cpu")).as("steering by CPU").isEqualTo(loops > 1 ? 1 : 0);
        assertThat(switches % 2).as("switches (%d): each gather spread again", switches).isZero();
        if (loops == 1) {
            assertThat(switches).as("one loop never switches").isZero();
        }
    }

    /** The value of an unlabelled sample in a Prometheus text page, as a whole number. */
    private static long metric(String page, String name) {
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " missing from /metrics");
    }

    @Test
    @Order(7)
    void attachOnAnotherNodeIsAConflictAndBadInputIsRefused() {
        String other = HOSTS.get(1);
        assertThatThrownBy(() -> api(other).call("POST", "/v1/tasks/attach",
                Map.of("taskId", TASKS.get(0).id(), "netns", "/run/netns/" + NAMESPACES.get(0))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> api(other).call("POST", "/v1/tasks/attach",
                Map.of("taskId", "nosuchtask0000000000000000", "netns", "/run/netns/" + NAMESPACES.get(1))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> api(other).call("POST", "/v1/tasks/attach",
                Map.of("taskId", TASKS.get(1).id(), "netns", "/run/netns/nope-" + LAB.name())))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> api(other).call("POST", "/v1/tasks/attach", Map.of("netns", "/run/netns/x")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    @Order(8)
    void detachRemovesTheInterfacesAndIsIdempotent() throws Exception {
        ApiClient client = api(HOSTS.get(0));
        JsonNode first = client.call("POST", "/v1/tasks/detach", Map.of("taskId", TASKS.get(0).id()));
        assertThat(first.path("detached").asBoolean()).isTrue();
        JsonNode second = client.call("POST", "/v1/tasks/detach", Map.of("taskId", TASKS.get(0).id()));
        assertThat(second.path("detached").asBoolean()).isFalse();
        assertThat(client.call("GET", "/v1/tasks", null)).isEmpty();
        assertThat(inTask(0, "ip", "-o", "link").stdout()).doesNotContain("eth0").doesNotContain("eth1");
        assertThat(inTask(1, "ping", "-c1", "-W1", ip(0)).exitCode()).isNotZero();
    }
}
