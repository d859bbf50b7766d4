package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.sys.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gwbridge on the real kernel. Each test builds its own namespaces: a node whose
 * uplink {@code up0} (198.51.100.2/24) leads to an "internet" namespace (198.51.100.1) with
 * a TCP server that answers with the source address it sees, and task namespaces. The
 * internet has no route back to the pool, so an answer at all proves the NAT.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GwBridgeNamespaceTest {
    private static final String NODE_UPLINK = "198.51.100.2";
    private static final String INTERNET = "198.51.100.1";
    private static final int HTTP_PORT = 8080;
    private static final int TASK_PORT = 9000;

    @TempDir
    Path dataDir;

    private TestNamespaces ns;
    private String node;
    private Netns nodeNs;
    private GwBridgeConfig config;
    private final List<GwBridge> bridges = new ArrayList<>();
    private final List<ServerSocket> servers = new ArrayList<>();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test server");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeEach
    void build() throws IOException {
        ns = new TestNamespaces();
        node = ns.create("node");
        // No IPv6 on the node: link-local addresses come and go under the listings.
        ns.exec(node, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        String inet = ns.create("inet");
        ns.ip(node, "link", "add", "up0", "type", "veth", "peer", "name", "up1", "netns", inet);
        ns.ip(node, "addr", "add", NODE_UPLINK + "/24", "dev", "up0");
        ns.ip(node, "link", "set", "up0", "up");
        ns.ip(node, "route", "add", "default", "via", INTERNET);
        ns.ip(inet, "addr", "add", INTERNET + "/24", "dev", "up1");
        ns.ip(inet, "link", "set", "up1", "up");
        nodeNs = ns.open(node);
        serve(ns.open(inet), INTERNET, HTTP_PORT);
        config = GwBridgeConfig.defaults(dataDir);
    }

    @AfterEach
    void remove() throws IOException {
        try {
            for (GwBridge bridge : bridges) {
                bridge.close();
            }
            for (ServerSocket server : servers) {
                server.close();
            }
            serverThreads.shutdownNow();
        } finally {
            ns.close();
        }
    }

    private GwBridge start(Set<String> wanted) throws IOException {
        GwBridge bridge = GwBridge.start(nodeNs, config, wanted);
        bridges.add(bridge);
        return bridge;
    }

    /** A task namespace; its name and handle. */
    private record Task(String name, Netns netns) {
    }

    private Task task(String role) throws IOException {
        String name = ns.create(role);
        return new Task(name, ns.open(name));
    }

    /** Listens in {@code netns} and answers each connection with the peer address it sees. */
    private void serve(Netns netns, String address, int port) throws IOException {
        ServerSocket server = netns.call(() -> new ServerSocket(port, 50, InetAddress.getByName(address)));
        servers.add(server);
        serverThreads.submit(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write((socket.getInetAddress().getHostAddress() + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // Closed at the end of the test, or a client gave up: serve the next one.
                }
            }
        });
    }

    /** Connects from {@code netns} and returns what the server says. */
    private static String fetch(Netns netns, String host, int port) throws IOException {
        return netns.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1500);
                socket.setSoTimeout(2000);
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
            }
        });
    }

    private static boolean reachable(Netns netns, String host, int port) {
        try {
            return fetch(netns, host, port) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What the node and a task look like: links with details, addresses, routes and the
     * ruleset, without the values that move by themselves (bridge timers, counters, IPv6
     * duplicate address detection).
     */
    private String listing(Task... tasks) throws IOException {
        // A veth's carrier reaches its peer through the kernel's link watch, up to a
        // second later: read again until no port is caught half way up.
        long deadline = System.nanoTime() + 3_000_000_000L;
        String listing = read(tasks);
        while (listing.contains("NO-CARRIER") && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            listing = read(tasks);
        }
        return listing;
    }

    private String read(Task... tasks) throws IOException {
        StringBuilder out = new StringBuilder()
                .append(ns.ip(node, "-d", "link", "show"))
                .append(ns.ip(node, "addr", "show"))
                .append(ns.ip(node, "route", "show"))
                .append(ns.exec(node, "nft", "-s", "list", "ruleset"));
        for (Task task : tasks) {
            out.append(ns.ip(task.name(), "-d", "addr", "show")).append(ns.ip(task.name(), "route", "show"));
        }
        return out.toString().replaceAll("(\\w+_timer)\\s+[\\d.]+", "$1 -").replace(" tentative", "");
    }

    @Test
    void taskReachesTheInternetSourceNatedToTheNodesUplinkAddress() throws IOException {
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        // The overlay's eth0, which another component adds; the gwbridge must leave it be.
        ns.ip(t1.name(), "link", "add", "eth0", "type", "veth", "peer", "name", "ovl0");
        ns.ip(t1.name(), "addr", "add", "10.0.9.5/24", "dev", "eth0");
        ns.ip(t1.name(), "link", "set", "ovl0", "up");
        ns.ip(t1.name(), "link", "set", "eth0", "up");

        GwBridgeAttachment a = gw.attach(t1.netns(), "task-1");

        assertThat(fetch(t1.netns(), INTERNET, HTTP_PORT)).isEqualTo(NODE_UPLINK);
        assertThat(a.address()).isEqualTo(0xac120002);
        assertThat(ns.ip(t1.name(), "addr", "show", "dev", "eth1")).contains("inet 172.18.0.2/16")
                .contains("link/ether 02:42:ac:12:00:02");
        assertThat(ns.ip(t1.name(), "route", "show")).isEqualTo(""
                + "default via 172.18.0.1 dev eth1 \n"
                + "10.0.9.0/24 dev eth0 proto kernel scope link src 10.0.9.5 \n"
                + "172.18.0.0/16 dev eth1 proto kernel scope link src 172.18.0.2 \n");
        assertThat(ns.ip(node, "-d", "link", "show", "dev", a.port())).contains("master docker_gwbridge")
                .contains("isolated on").contains("state UP");
        assertThat(ns.ip(node, "addr", "show", "dev", "docker_gwbridge")).contains("inet 172.18.0.1/16")
                .contains("link/ether 02:42:ac:12:00:01");
        assertThat(ns.exec(node, "cat", "/proc/sys/net/ipv4/ip_forward").trim()).isEqualTo("1");
        assertThat(ns.exec(node, "nft", "list", "ruleset"))
                .contains("ip saddr 172.18.0.0/16 oifname != \"docker_gwbridge\" masquerade");
    }

    @Test
    void tasksOnTheSameNodeCannotReachEachOtherThroughTheGwbridge() throws IOException {
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        Task t2 = task("t2");
        GwBridgeAttachment a1 = gw.attach(t1.netns(), "task-1");
        GwBridgeAttachment a2 = gw.attach(t2.netns(), "task-2");
        serve(t2.netns(), "0.0.0.0", TASK_PORT);

        assertThat(fetch(nodeNs, "172.18.0.3", TASK_PORT)).as("the node reaches task 2").isEqualTo("172.18.0.1");
        assertThat(reachable(t1.netns(), "172.18.0.3", TASK_PORT)).as("across the bridge").isFalse();
        ns.ip(t1.name(), "route", "add", "172.18.0.3/32", "via", "172.18.0.1");
        assertThat(reachable(t1.netns(), "172.18.0.3", TASK_PORT)).as("routed back through the gateway").isFalse();
        assertThat(ns.exec(node, "nft", "list", "chain", "ip", "swarmnet_gwbridge", "forward"))
                .containsPattern("counter packets [1-9]\\d* bytes \\d+ drop");
        assertThat(fetch(t1.netns(), INTERNET, HTTP_PORT)).isEqualTo(NODE_UPLINK);
        assertThat(fetch(t2.netns(), INTERNET, HTTP_PORT)).isEqualTo(NODE_UPLINK);

        // Isolation alone keeps them apart: without the table, task 1 still cannot reach task 2.
        ns.ip(t1.name(), "route", "del", "172.18.0.3/32");
        ns.exec(node, "nft", "delete", "table", "ip", "swarmnet_gwbridge");
        ns.ip(t1.name(), "neigh", "flush", "all");
        assertThat(reachable(t1.netns(), "172.18.0.3", TASK_PORT)).as("isolated ports, no table").isFalse();

        // Control: without isolation and table the same connection does get through (the
        // table's forward chain also sees bridged packets where br_netfilter is on).
        ns.ip(node, "link", "set", "dev", a1.port(), "type", "bridge_slave", "isolated", "off");
        ns.ip(node, "link", "set", "dev", a2.port(), "type", "bridge_slave", "isolated", "off");
        ns.ip(t1.name(), "neigh", "flush", "all");
        assertThat(fetch(t1.netns(), "172.18.0.3", TASK_PORT)).isEqualTo("172.18.0.2");

        gw.reconcile(Set.of("task-1", "task-2"));
        ns.ip(t1.name(), "neigh", "flush", "all");
        assertThat(reachable(t1.netns(), "172.18.0.3", TASK_PORT)).as("reconcile isolates again").isFalse();
        assertThat(ns.ip(node, "-d", "link", "show", "dev", a2.port())).contains("isolated on");
    }

    @Test
    void reconcileAndRestartCreateNothingTwiceAndTrafficResumes() throws IOException {
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        Task t2 = task("t2");
        gw.attach(t1.netns(), "task-1");
        gw.attach(t2.netns(), "task-2");
        String before = listing(t1, t2);

        gw.reconcile(Set.of("task-1", "task-2"));
        gw.attach(t1.netns(), "task-1");
        assertThat(listing(t1, t2)).isEqualTo(before);

        gw.close();
        GwBridge again = start(Set.of("task-1", "task-2"));
        assertThat(listing(t1, t2)).isEqualTo(before);
        assertThat(again.attach(t1.netns(), "task-1").address()).isEqualTo(0xac120002);
        assertThat(again.attach(t2.netns(), "task-2").address()).isEqualTo(0xac120003);
        assertThat(listing(t1, t2)).isEqualTo(before);
        assertThat(fetch(t1.netns(), INTERNET, HTTP_PORT)).isEqualTo(NODE_UPLINK);
    }

    @Test
    void leftoversOfACrashArePrunedOnStart() throws IOException {
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        Task t2 = task("t2");
        gw.attach(t1.netns(), "task-1");
        GwBridgeAttachment a2 = gw.attach(t2.netns(), "task-2");
        String rules = ns.exec(node, "nft", "-s", "list", "ruleset");
        gw.close();
        // What a crashed agent, or an older one, may leave: a veth of ours that no
        // attachment knows, still on the bridge, and rules the table should not have.
        ns.ip(node, "link", "add", "gw0123456789", "type", "veth", "peer", "name", "stale0");
        ns.ip(node, "link", "set", "gw0123456789", "master", "docker_gwbridge");
        ns.exec(node, "nft", "add", "rule", "ip", "swarmnet_gwbridge", "postrouting", "ip", "saddr",
                "172.18.0.0/16", "masquerade");
        ns.exec(node, "nft", "add", "chain", "ip", "swarmnet_gwbridge", "old");

        GwBridge again = start(Set.of("task-1"));

        String links = ns.ip(node, "link", "show");
        assertThat(links).doesNotContain("gw0123456789").doesNotContain("stale0").doesNotContain(a2.port());
        assertThat(ns.ip(t2.name(), "link", "show")).doesNotContain("eth1");
        assertThat(ns.exec(node, "nft", "-s", "list", "ruleset")).isEqualTo(rules);
        assertThat(fetch(t1.netns(), INTERNET, HTTP_PORT)).isEqualTo(NODE_UPLINK);
        assertThat(again.attach(task("t3").netns(), "task-3").address()).as("task 2's address is free")
                .isEqualTo(0xac120003);
    }

    @Test
    void poolOverlappingTheUplinkIsRefusedAndNothingIsCreated() throws IOException {
        String before = listing();
        config = GwBridgeConfig.parse("198.51.0.0/16", null, dataDir);

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessage("gwbridge pool 198.51.0.0/16 overlaps 198.51.100.2/24 on up0;"
                        + " configure a pool no interface of the node uses");
        assertThat(listing()).isEqualTo(before);
        assertThat(dataDir.resolve("gwbridge.json")).doesNotExist();
    }

    @Test
    void bridgeWithAnotherAddressIsRefusedAndLeftAsItWas() throws IOException {
        ns.ip(node, "link", "add", "docker_gwbridge", "type", "bridge");
        ns.ip(node, "addr", "add", "172.19.0.1/16", "dev", "docker_gwbridge");
        String before = listing();

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageStartingWith("gwbridge: docker_gwbridge exists with address 172.19.0.1/16,"
                        + " not the configured gateway 172.18.0.1/16");
        assertThat(listing()).isEqualTo(before);
    }

    @Test
    void linkOfTheBridgesNameThatIsNoBridgeIsRefusedAndLeftAsItWas() throws IOException {
        ns.ip(node, "link", "add", "docker_gwbridge", "type", "veth", "peer", "name", "other0");
        String before = listing();

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageStartingWith("gwbridge: docker_gwbridge exists but is a veth, not a bridge");
        assertThat(listing()).isEqualTo(before);
    }

    @Test
    void detachRemovesTheTasksLinkAndDetachingAgainIsNotAnError() throws IOException {
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        GwBridgeAttachment a = gw.attach(t1.netns(), "task-1");

        assertThat(gw.detach("task-1")).isTrue();
        assertThat(gw.detach("task-1")).isFalse();

        assertThat(ns.ip(t1.name(), "link", "show")).doesNotContain("eth1");
        assertThat(ns.ip(node, "link", "show")).doesNotContain(a.port());
        assertThat(reachable(t1.netns(), INTERNET, HTTP_PORT)).isFalse();
    }

    @Test
    void cleanupRemovesEverythingTheGwbridgeMade() throws IOException {
        String before = listing();
        GwBridge gw = start(Set.of());
        Task t1 = task("t1");
        gw.attach(t1.netns(), "task-1");

        gw.cleanup();
        GwBridge.cleanup(nodeNs, config);

        assertThat(listing()).isEqualTo(before);
        assertThat(ns.ip(t1.name(), "link", "show")).doesNotContain("eth1");
        assertThat(dataDir.resolve("gwbridge.json")).doesNotExist();
        GwBridge fresh = start(Set.of());
        assertThat(fresh.attach(t1.netns(), "task-1").address()).isEqualTo(0xac120002);
    }
}
