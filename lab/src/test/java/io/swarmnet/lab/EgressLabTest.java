package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.task.ProcessRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Egress through docker_gwbridge end to end, on a one-host lab deployed with
 * {@code lab deploy}: a task reaches the lab's internet from the node's underlay address, a
 * task of an {@code --internal} network cannot, tasks of two overlays cannot reach each
 * other through the bridge, and an agent killed with SIGKILL comes back to the very same
 * interfaces, routes and rules.
 */
@Tag("privileged")
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressLabTest {
    private static final Duration EXEC = Duration.ofSeconds(20);
    private static final String NODE = "m1";
    private static final String INTERNET_URL = "http://" + LabHost.INTERNET_ADDRESS + "/";

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(0).build();

    private static final CommandRunner RUNNER = new CommandRunner();
    private static LabTasks tasks;
    private static Process internet;
    private static LabTask out;
    private static LabTask peer;
    private static LabTask sealed;

    @BeforeAll
    static void deployThreeTasksAndAnInternetServer() {
        internet = LAB.lab().start("internet", LabTasks.resolve(List.of("swarmnet", "echo-server", "--name", "internet"))
                .toArray(String[]::new));
        tasks = LabTasks.open(LAB.lab());
        out = tasks.deploy(new DeploySpec("out", 1, null, List.of(), List.of("sleep", "600"))).get(0);
        peer = tasks.deploy(new DeploySpec("peer", 1, null, List.of(), List.of("swarmnet", "echo-server"))).get(0);
        new LabCluster(LAB.lab()).check("network", "create", "--internal", "--attachable", "sealed");
        sealed = tasks.deploy(new DeploySpec("sealed", 1, "sealed", List.of(), List.of("sleep", "600"))).get(0);
        awaitAnswer(out, INTERNET_URL, "internet ");
        awaitAnswer(peer, "http://127.0.0.1/", "peer.1 ");
    }

    @AfterAll
    static void stopTheInternetServer() throws InterruptedException {
        if (internet != null) {
            internet.destroy();
            internet.waitFor();
        }
    }

    private static CommandRunner.Result inTask(LabTask t, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", t.namespace()));
        argv.addAll(List.of(command));
        return RUNNER.run(EXEC, argv);
    }

    private static CommandRunner.Result curl(LabTask from, String url) {
        return inTask(from, "curl", "-s", "--max-time", "3", url);
    }

    // The servers are JVMs that take a moment to start; the first answer says they are up.
    private static void awaitAnswer(LabTask from, String url, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        CommandRunner.Result r = curl(from, url);
        while (!r.stdout().startsWith(expected)) {
            assertThat(System.nanoTime() - deadline).as("%s never answered %s: %s", url, from.name(), r.stderr())
                    .isNegative();
            EtcdCluster.sleep(300);
            r = curl(from, url);
        }
    }

    private static String eth1Address(LabTask t) {
        String addr = inTask(t, "ip", "-4", "-o", "addr", "show", "dev", "eth1").stdout();
        assertThat(addr).as("eth1 of %s", t.name()).contains("inet 172.18.");
        return addr.replaceAll("(?s).*inet (172\\.18\\.[0-9.]+)/.*", "$1");
    }

    @Test
    @Order(1)
    void taskReachesTheInternetFromTheNodesUnderlayAddress() {
        CommandRunner.Result r = curl(out, INTERNET_URL);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // The server names the peer it saw: masquerade rewrote the task's 172.18.x source.
        assertThat(r.stdout()).startsWith("internet " + LabHost.INTERNET_ADDRESS + ":80 client="
                + LAB.address(NODE) + ":");
        assertThat(inTask(out, "ip", "route").stdout()).contains("default via 172.18.0.1 dev eth1");
    }

    @Test
    @Order(2)
    void taskOnAnInternalNetworkHasNoEgressAndFailsFast() {
        assertThat(inTask(sealed, "ip", "-o", "link").stdout()).contains("eth0").doesNotContain("eth1");
        assertThat(inTask(sealed, "ip", "route").stdout()).doesNotContain("default").contains("dev eth0");
        long start = System.nanoTime();
        CommandRunner.Result r = curl(sealed, INTERNET_URL);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // No route at all: connect() fails with ENETUNREACH at once, curl's "couldn't connect" (7).
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(millis).as("curl took %d ms", millis).isLessThan(2000);
        assertThat(inTask(sealed, "ping", "-c1", "-W1", LabHost.INTERNET_ADDRESS).exitCode()).isNotZero();
    }

    @Test
    @Order(3)
    void tasksOfTwoOverlaysCannotReachEachOtherThroughTheGwbridgeOrOtherwise() {
        assertThat(out.host()).isEqualTo(peer.host());
        String peerGw = eth1Address(peer);
        String outGw = eth1Address(out);
        // The server listens on every address of its task; the gateway still answers both.
        assertThat(inTask(out, "ping", "-c1", "-W1", "172.18.0.1").exitCode()).isZero();
        assertThat(inTask(peer, "ping", "-c1", "-W1", "172.18.0.1").exitCode()).isZero();
        for (String target : List.of(peerGw, peer.ip())) {
            assertThat(inTask(out, "ping", "-c1", "-W1", target).exitCode()).as("ping %s", target).isNotZero();
            CommandRunner.Result r = inTask(out, "curl", "-s", "--max-time", "2", "http://" + target + "/");
            assertThat(r.stdout()).as("http %s", target).doesNotContain("peer.1");
            assertThat(r.exitCode()).as("http %s", target).isNotZero();
        }
        assertThat(inTask(peer, "ping", "-c1", "-W1", outGw).exitCode()).isNotZero();
        assertThat(inTask(peer, "ping", "-c1", "-W1", out.ip()).exitCode()).isNotZero();
        // Both ports are isolated: the bridge never forwards a frame between them.
        String ports = LAB.exec(NODE, "ip", "-d", "link", "show", "master", "docker_gwbridge").stdout();
        assertThat(ports.lines().filter(l -> l.contains("isolated on")).count()).isEqualTo(2);

        // A task that routes to the other through the gateway has the node hairpin it back
        // onto the bridge: the forward chain drops it and counts it.
        long dropped = bridgeDrops();
        assertThat(inTask(out, "ip", "route", "add", peerGw + "/32", "via", "172.18.0.1", "dev", "eth1").exitCode()).isZero();
        try {
            assertThat(inTask(out, "ping", "-c1", "-W1", peerGw).exitCode()).isNotZero();
            assertThat(inTask(out, "curl", "-s", "--max-time", "2", "http://" + peerGw + "/").exitCode()).isNotZero();
        } finally {
            inTask(out, "ip", "route", "del", peerGw + "/32");
        }
        assertThat(bridgeDrops()).isGreaterThanOrEqualTo(dropped + 2);
    }

    private static long bridgeDrops() {
        String table = LAB.exec(NODE, "nft", "list", "table", "ip", "swarmnet_gwbridge").stdout();
        return Long.parseLong(table.replaceAll("(?s).*counter packets ([0-9]+) bytes [0-9]+ drop.*", "$1"));
    }

    @Test
    @Order(4)
    void agentKilledWithSigkillComesBackToTheSameInterfacesRoutesAndRules() throws Exception {
        List<LabTask> all = List.of(out, peer, sealed);
        String before = listings(all);
        assertThat(before).contains("docker_gwbridge").contains("masquerade");
        assertOnceEach();

        LabAgentRestart.kill9(LAB.lab(), NODE);
        // The overlay interfaces are TAPs, gone with the agent's descriptors (once its last
        // thread has exited, which may trail the main thread's exit): the restart must make them anew.
        long gone = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (inTask(out, "ip", "-o", "link").stdout().contains("eth0") && System.nanoTime() - gone < 0) {
            EtcdCluster.sleep(100);
        }
        assertThat(inTask(out, "ip", "-o", "link").stdout()).doesNotContain("eth0").contains("eth1");
        // Egress is the kernel's path: it does not need the agent.
        assertThat(curl(out, INTERNET_URL).stdout()).startsWith("internet ");
        LabAgentRestart.start(LAB.lab(), NODE);

        // The agent re-attaches its tasks once it sees the cluster; give it a bounded while.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String after = listings(all);
        while (!after.equals(before) && System.nanoTime() - deadline < 0) {
            EtcdCluster.sleep(300);
            after = listings(all);
        }
        assertThat(after).isEqualTo(before);
        assertOnceEach();
        CommandRunner.Result r = curl(out, INTERNET_URL);
        assertThat(r.stdout()).as(r.stderr()).startsWith("internet " + LabHost.INTERNET_ADDRESS + ":80 client="
                + LAB.address(NODE) + ":");
        assertThat(inTask(out, "ping", "-c1", "-W1", eth1Address(peer)).exitCode()).isNotZero();
        assertThat(curl(sealed, INTERNET_URL).exitCode()).isEqualTo(7);
    }

    @Test
    @Order(5)
    void whatATaskThatDiedWhileItsAgentWasDownLeftIsPrunedOnStart() throws Exception {
        Path overlay = AgentFleet.dataRoot(LAB.lab().stateDir(), LAB.lab().host(NODE)).resolve("overlay");
        assertThat(Files.readString(overlay.resolve("attachments.json"))).contains(peer.taskId());
        assertThat(Files.readString(overlay.resolve("gwbridge").resolve("gwbridge.json"))).contains(peer.taskId());

        LabAgentRestart.kill9(LAB.lab(), NODE);
        List<ProcessRef> inTask = new ArrayList<>(List.of(peer.process()));
        for (String pid : RUNNER.run(EXEC, List.of("ip", "netns", "pids", peer.namespace())).stdout().split("\n")) {
            if (pid.strip().matches("[0-9]+")) {
                ProcessRef.of(Long.parseLong(pid.strip())).ifPresent(inTask::add);
            }
        }
        assertThat(ProcessRef.terminate(inTask, Duration.ofSeconds(3))).isEmpty();
        RUNNER.check("ip", "netns", "del", peer.namespace());
        LabAgentRestart.start(LAB.lab(), NODE);

        ApiClient api = new ApiClient(LAB.lab().apiSocket(NODE));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.readString(overlay.resolve("attachments.json")).contains(peer.taskId())
                && System.nanoTime() - deadline < 0) {
            EtcdCluster.sleep(300);
        }
        assertThat(Files.readString(overlay.resolve("attachments.json"))).doesNotContain(peer.taskId())
                .contains(out.taskId()).contains(sealed.taskId());
        assertThat(Files.readString(overlay.resolve("gwbridge").resolve("gwbridge.json")))
                .doesNotContain(peer.taskId()).contains(out.taskId());
        List<String> attached = new ArrayList<>();
        api.call("GET", "/v1/tasks", null).forEach(t -> attached.add(t.path("taskId").asText()));
        assertThat(attached).containsExactlyInAnyOrder(out.taskId(), sealed.taskId());
        String links = LAB.exec(NODE, "ip", "-o", "link").stdout();
        assertThat(links.lines().filter(l -> l.contains("master docker_gwbridge")).count()).isEqualTo(1);
        // Overlay TAPs live in the tasks; none is ever left in the node (the mesh's
        // snt-ingress port is the node's own).
        assertThat(links).doesNotContainPattern(": snt(?!-ingress)");
        assertThat(curl(out, INTERNET_URL).stdout()).startsWith("internet ");
    }

    private static void assertOnceEach() {
        String links = LAB.exec(NODE, "ip", "-o", "link").stdout();
        assertThat(links.lines().filter(l -> l.contains(": docker_gwbridge:")).count()).isEqualTo(1);
        assertThat(links.lines().filter(l -> l.contains("master docker_gwbridge")).count()).isEqualTo(2);
        String tables = LAB.exec(NODE, "nft", "list", "tables").stdout();
        assertThat(tables.lines().filter(l -> l.strip().equals("table ip swarmnet_gwbridge")).count()).isEqualTo(1);
        String table = LAB.exec(NODE, "nft", "list", "table", "ip", "swarmnet_gwbridge").stdout();
        assertThat(table.lines().filter(l -> l.contains("masquerade")).count()).isEqualTo(1);
        assertThat(table.lines().filter(l -> l.contains("drop")).count()).isEqualTo(1);
    }

    /** What the node and the tasks have, normalised for what a restart may change without meaning: counters, indexes, timers. */
    private static String listings(List<LabTask> all) {
        StringBuilder sb = new StringBuilder();
        List<List<String>> commands = List.of(List.of("ip", "-d", "link"), List.of("ip", "addr"), List.of("ip", "route"));
        for (List<String> c : commands) {
            sb.append("== node: ").append(String.join(" ", c)).append('\n').append(byName(LAB.exec(NODE, EXEC, c).stdout()));
        }
        sb.append("== node: nft\n")
                .append(LAB.exec(NODE, "nft", "list", "table", "ip", "swarmnet_gwbridge").stdout());
        for (LabTask t : all) {
            for (List<String> c : commands) {
                List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", t.namespace()));
                argv.addAll(c);
                sb.append("== ").append(t.name()).append(": ").append(String.join(" ", c)).append('\n')
                        .append(byName(RUNNER.run(EXEC, argv).stdout()));
            }
        }
        return normalise(sb.toString());
    }

    /**
     * An {@code ip link} or {@code ip addr} listing with its interfaces in name order: a TAP
     * the restarted agent makes again (the mesh's ingress port) gets a new, higher index,
     * which reorders the listing without changing what the node has. Other listings pass.
     */
    static String byName(String listing) {
        if (!listing.matches("(?s)[0-9]+: .*")) {
            return listing;
        }
        List<String> blocks = new ArrayList<>();
        for (String line : listing.split("\n")) {
            if (line.matches("[0-9]+: .*") || blocks.isEmpty()) {
                blocks.add(line.replaceFirst("^[0-9]+: ", "") + "\n");
            } else {
                blocks.set(blocks.size() - 1, blocks.get(blocks.size() - 1) + line + "\n");
            }
        }
        blocks.sort(null);
        return String.join("", blocks);
    }

    static String normalise(String listing) {
        return listing.replaceAll("(?m)^[0-9]+: ", "")
                .replaceAll("@if[0-9]+", "@if")
                .replaceAll("[a-z_]+_timer +[0-9.]+ *", "")
                .replaceAll("counter packets [0-9]+ bytes [0-9]+", "counter");
    }
}
