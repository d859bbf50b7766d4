package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * A lab whose agents run the data path on io_uring ({@code --data-path-transport io_uring}):
 * tasks on two hosts exchange traffic; forged and malformed VXLAN moves exactly the drop
 * counters it should on /metrics; and an agent killed with SIGKILL and started again
 * re-attaches the tasks that still exist and prunes what a removed task left behind.
 */
@Tag("privileged")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IoUringAgentLabTest {
    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(1).dataPathTransport("io_uring").build();
    private static final CommandRunner RUN = new CommandRunner();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CRASHED = "w1";

    private static LabTasks tasks;
    private static List<LabTask> keep;
    private static List<LabTask> gone;
    /** The agent this test started in place of the lab's; the lab's teardown does not know it. */
    private static Process restarted;

    @BeforeAll
    static void deployTwoServicesOverBothHosts() {
        tasks = LabTasks.open(LAB.lab());
        keep = tasks.deploy(new DeploySpec("keep", 2, null, List.of(), List.of("sleep", "infinity")));
        gone = tasks.deploy(new DeploySpec("gone", 2, null, List.of(), List.of("sleep", "infinity")));
        assertThat(keep).extracting(LabTask::host).containsExactlyInAnyOrder("m1", CRASHED);
        assertThat(gone).extracting(LabTask::host).containsExactlyInAnyOrder("m1", CRASHED);
    }

    @AfterAll
    static void stopTheRestartedAgent() throws InterruptedException {
        if (restarted != null) {
            restarted.destroy();
            if (!restarted.waitFor(10, TimeUnit.SECONDS)) {
                restarted.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void agentsRunTheDataPathOnIoUring() throws IOException {
        for (LabState.Daemon d : LabState.read(LAB.lab().stateDir()).orElseThrow().processes()) {
            if (d.kind().equals("agent")) {
                assertThat(Files.readString(Path.of(d.log()))).as(d.host()).contains("IO_URING");
            }
        }
    }

    @Test
    @Order(2)
    void tasksExchangePingAndTcpOverIoUring() throws Exception {
        assertPings(keep.get(0), keep.get(1));
        assertPings(keep.get(1), keep.get(0));
        LabTask server = keep.get(1);
        Process iperf = new ProcessBuilder("ip", "netns", "exec", server.namespace(), "iperf3", "-s", "-1", "-B",
                server.ip(), "-p", "5203").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            CommandRunner.Result r = null;
            for (int attempt = 0; attempt < 40; attempt++) {
                r = RUN.run(WAIT, List.of("ip", "netns", "exec", keep.get(0).namespace(),
                        "iperf3", "-c", server.ip(), "-p", "5203", "-n", "16M", "--bidir"));
                if (r.ok()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(r.exitCode()).as("iperf3: %s", r.stdout() + r.stderr()).isZero();
        } finally {
            iperf.destroyForcibly();
            iperf.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void forgedAndMalformedVxlanMoveExactlyTheirDropCounters() throws Exception {
        String target = LAB.address(CRASHED);
        double unknownPeer = vtepDrops(CRASHED, "unknown_peer");
        double badFlags = vtepDrops(CRASHED, "bad_flags");
        double runt = vtepDrops(CRASHED, "runt");

        // A well-formed VXLAN frame, but from the client: an address that is no cluster node.
        sendUdp("client", target, 25, vxlan(0x08));
        // From a real peer: no I flag (RFC 7348 §5), and datagrams shorter than the header.
        sendUdp("m1", target, 7, vxlan(0x00));
        sendUdp("m1", target, 3, new byte[] {0x08, 0, 0});

        awaitDrops(CRASHED, "unknown_peer", unknownPeer + 25);
        awaitDrops(CRASHED, "bad_flags", badFlags + 7);
        awaitDrops(CRASHED, "runt", runt + 3);
    }

    @Test
    @Order(4)
    void killedAgentRestartsReattachesItsTasksAndPrunesTheRemovedOnes() throws Exception {
        LabTask kept = onHost(keep, CRASHED);
        LabTask removed = onHost(gone, CRASHED);
        assertThat(gwbridgePorts(CRASHED)).hasSize(2);
        LabState.Daemon agent = LabState.read(LAB.lab().stateDir()).orElseThrow().processes().stream()
                .filter(d -> d.kind().equals("agent") && d.host().equals(CRASHED)).findFirst().orElseThrow();

        RUN.check("kill", "-9", Long.toString(agent.pid()));
        awaitGone(agent.pid());
        // What the crash leaves: the TAPs went with the agent's descriptors, the gwbridge
        // veths stayed. While the agent is down, one of its tasks is removed from the cluster.
        assertThat(links(kept.namespace())).doesNotContain("eth0").contains("eth1");
        new LabCluster(LAB.lab()).check("service", "rm", "gone");

        LabHost host = LAB.lab().host(CRASHED);
        Path log = LAB.lab().stateDir().resolve(CRASHED).resolve("agent-restarted.log");
        restarted = RUN.spawn(AgentFleet.command(host, AgentFleet.storeUrl(LAB.lab().managerHosts()),
                AgentFleet.dataRoot(LAB.lab().stateDir(), host), "io_uring", null), log);

        ApiClient api = new ApiClient(LAB.lab().apiSocket(CRASHED));
        JsonNode attached = awaitAttached(api, log);
        assertThat(attached).hasSize(1);
        assertThat(attached.get(0).path("taskId").asText()).isEqualTo(kept.taskId());
        assertThat(attached.get(0).path("interfaces").get(0).path("ip").asText()).isEqualTo(kept.ip());

        // The prune follows the re-attach within the same first reconcile.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gwbridgePorts(CRASHED).size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(gwbridgePorts(CRASHED)).as("gwbridge ports; agent log:%n%s", Files.readString(log)).hasSize(1);
        assertThat(links(removed.namespace())).doesNotContain("eth0").doesNotContain("eth1");
        assertThat(links(kept.namespace())).contains("eth0").contains("eth1");
        LabTask other = onHost(keep, "m1");
        assertPings(kept, other);
        assertPings(other, kept);

        tasks.remove("gone");
    }

    private static LabTask onHost(List<LabTask> service, String host) {
        return service.stream().filter(t -> t.host().equals(host)).findFirst().orElseThrow();
    }

    private static void assertPings(LabTask from, LabTask to) {
        CommandRunner.Result r = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            r = RUN.run(WAIT, List.of("ip", "netns", "exec", from.namespace(), "ping", "-c1", "-W1", to.ip()));
            if (r.ok()) {
                return;
            }
        }
        assertThat(r.exitCode()).as("ping %s -> %s: %s", from.name(), to.name(), r.stdout() + r.stderr()).isZero();
    }

    private static String links(String namespace) {
        return RUN.check("ip", "-n", namespace, "-o", "link");
    }

    private static List<String> gwbridgePorts(String host) {
        List<String> ports = new ArrayList<>();
        for (String line : RUN.check("ip", "-n", LAB.namespace(host), "-o", "link", "show", "type", "veth").split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 1 && words[1].startsWith("gw")) {
                ports.add(words[1]);
            }
        }
        return ports;
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Path.of("/proc/" + pid)).as("agent %d after SIGKILL", pid).doesNotExist();
    }

    /** Waits until the restarted agent answers and has dealt with the state its last run left. */
    private static JsonNode awaitAttached(ApiClient api, Path log) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(restarted.isAlive()).as("restarted agent: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            try {
                JsonNode list = api.call("GET", "/v1/tasks", null);
                if (list.size() > 0) {
                    return list;
                }
            } catch (IOException notYet) {
                // The socket is not there yet, or the agent is still starting.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the restarted agent re-attached nothing in " + WAIT.toSeconds() + " s: "
                + Files.readString(log));
    }

    /** An 8-byte VXLAN header with {@code flags}, VNI 4096, and a 60-byte inner frame. */
    private static byte[] vxlan(int flags) {
        byte[] b = new byte[8 + 60];
        b[0] = (byte) flags;
        b[5] = 0x10;
        b[8 + 12] = 0x08;
        return b;
    }

    private static void sendUdp(String fromHost, String to, int count, byte[] payload) throws Exception {
        try (Netns ns = Netns.named(LAB.namespace(fromHost))) {
            ns.call(() -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LAB.address(fromHost)), 0))) {
                    for (int i = 0; i < count; i++) {
                        s.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(to), 4789));
                    }
                }
                return null;
            });
        }
    }

    private static double vtepDrops(String host, String reason) {
        String metrics = LAB.exec(host, "curl", "-sf", "--max-time", "2",
                "http://" + LAB.lab().metricsAddr(host) + "/metrics").stdout();
        Matcher m = Pattern.compile("^swarmnet_vtep_drops_total\\{reason=\"" + reason + "\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        assertThat(m.find()).as("%s drops in:%n%s", reason, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Datagrams are counted on the VTEP's loop after they arrive: wait a bounded while for the exact value. */
    private static void awaitDrops(String host, String reason, double expected) throws InterruptedException {
        double seen = vtepDrops(host, reason);
        for (int i = 0; i < 20 && seen < expected; i++) {
            Thread.sleep(100);
            seen = vtepDrops(host, reason);
        }
        Thread.sleep(200);
        assertThat(vtepDrops(host, reason)).as(reason).isEqualTo(expected);
    }
}
