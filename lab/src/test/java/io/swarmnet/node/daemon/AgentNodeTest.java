package io.swarmnet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.cli.Main;
import io.swarmnet.cli.swarm.CliRun;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.lab.CommandRunner;
import io.swarmnet.lab.LabExtension;
import io.swarmnet.node.api.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The agent on a node of its own (a namespace with one underlay address, the embedded
 * store): {@code --cleanup} leaves the node as it was before the agent, and a bad
 * configuration is refused at start with one error line and nothing made.
 */
@Tag("privileged")
@Timeout(180)
class AgentNodeTest {
    private static final String UNDERLAY = "192.0.2.77";
    private static final String METRICS = "127.0.0.1:9323";
    private static final Duration EXEC = Duration.ofSeconds(20);
    private static final CommandRunner RUN = new CommandRunner();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static String node;
    private static String task;
    private static Path dataRoot;
    private final List<String> extraLinks = new ArrayList<>();

    @BeforeAll
    static void makeTheNode() {
        String name = LabExtension.randomName();
        node = name + "-node";
        task = name + "-task";
        dataRoot = tmp.resolve("root");
        RUN.check("ip", "netns", "add", node);
        RUN.check("ip", "-n", node, "link", "set", "lo", "up");
        // No IPv6: link-local addresses change state (tentative, then not) under the listings.
        RUN.check("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        // A veth pair with both ends in the node: the kernel may lack the dummy driver.
        RUN.check("ip", "-n", node, "link", "add", "u0", "type", "veth", "peer", "name", "u0p");
        RUN.check("ip", "-n", node, "addr", "add", UNDERLAY + "/24", "dev", "u0");
        RUN.check("ip", "-n", node, "link", "set", "u0p", "up");
        RUN.check("ip", "-n", node, "link", "set", "u0", "up");
        RUN.check("ip", "netns", "add", task);
        cli("init");
        cli("network", "create", "--attachable", "--subnet", "10.0.9.0/24", "app");
    }

    @AfterAll
    static void removeTheNode() {
        for (String ns : new String[] {task, node}) {
            if (ns != null) {
                RUN.run(List.of("ip", "netns", "del", ns));
            }
        }
    }

    @AfterEach
    void removeExtraLinks() {
        for (String link : extraLinks) {
            RUN.run(List.of("ip", "-n", node, "link", "del", link));
        }
    }

    private static String cli(String... args) {
        CliRun r = CliRun.run(List.of("--data-root", dataRoot.toString()), args);
        assertThat(r.exit()).as("swarmnet %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }

    /** {@code swarmnet agent} in the node's namespace, its stderr in a file. */
    private static Process agent(Path stderr, String... extra) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 24) {
            argv.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        argv.addAll(List.of("-cp", classpath, "-Dlogback.configurationFile=logback.xml", "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "io.swarmnet.cli.Main", "agent", "--hostname", node,
                "--advertise-addr", UNDERLAY, "--metrics-addr", METRICS, "--data-root", dataRoot.toString()));
        argv.addAll(List.of(extra));
        return new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
    }

    private static void awaitHealthy(Process agent, Path stderr) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!RUN.run(EXEC, List.of("ip", "netns", "exec", node, "curl", "-sf", "--max-time", "1", "-o", "/dev/null",
                "http://" + METRICS + "/healthz")).ok()) {
            assertThat(agent.isAlive()).as("agent exited: %s", Files.readString(stderr)).isTrue();
            assertThat(System.nanoTime() - deadline).as("agent never healthy: %s", Files.readString(stderr)).isNegative();
            Thread.sleep(200);
        }
    }

    /** Everything the agent could make in the node's namespace, in the order a reviewer would read it. */
    private static String listing() {
        StringBuilder sb = new StringBuilder();
        for (List<String> c : List.of(List.of("ip", "-d", "link"), List.of("ip", "addr"), List.of("ip", "route"),
                List.of("nft", "list", "ruleset"), List.of("ss", "-uanH"))) {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", node));
            argv.addAll(c);
            CommandRunner.Result r = RUN.run(EXEC, argv);
            sb.append("== ").append(String.join(" ", c)).append('\n').append(r.stdout()).append(r.stderr());
        }
        return sb.toString().replaceAll("[a-z_]+_timer +[0-9.]+ *", "");
    }

    /** Starts an agent that must refuse to run; returns its stderr after checking the exit and the one error line. */
    private static String refused(String... extra) throws Exception {
        String before = listing();
        Path stderr = Files.createTempFile(tmp, "refused-", ".stderr");
        Process p = agent(stderr, extra);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("agent still runs: %s", Files.readString(stderr)).isTrue();
        String err = Files.readString(stderr);
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        List<String> errors = err.lines().filter(l -> l.contains("error")).toList();
        assertThat(errors).as(err).hasSize(1);
        assertThat(errors.get(0)).startsWith("swarmnet: error: ");
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(listing()).isEqualTo(before);
        return errors.get(0);
    }

    @Test
    void stoppingWithCleanupLeavesTheNodeAsBeforeTheAgent() throws Exception {
        String before = listing();
        Path stderr = Files.createTempFile(tmp, "cleanup-", ".stderr");
        Process p = agent(stderr, "--cleanup");
        try {
            awaitHealthy(p, stderr);
            cli("service", "create", "--runtime", "process", "--name", "web", "--replicas", "1", "--network", "app");
            String taskId = JSON.readTree(cli("service", "ps", "web", "--format", "json").lines().findFirst()
                    .orElseThrow()).path("ID").asText();
            JsonNode attached = new ApiClient(dataRoot.resolve("api.sock")).call("POST", "/v1/tasks/attach",
                    Map.of("taskId", taskId, "netns", "/run/netns/" + task));
            assertThat(attached.path("interfaces")).hasSize(2);
            assertThat(RUN.run(EXEC, List.of("ip", "-n", task, "-o", "link")).stdout()).contains("eth0").contains("eth1");
            String running = listing();
            assertThat(running).contains("docker_gwbridge").contains("table ip swarmnet_gwbridge").contains(":4789");
            assertThat(dataRoot.resolve("overlay")).isDirectory();

            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("agent exits on SIGTERM").isTrue();
            assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        } finally {
            p.destroyForcibly();
            p.waitFor();
            cli("service", "rm", "web");
        }
        assertThat(listing()).isEqualTo(before);
        assertThat(RUN.run(EXEC, List.of("ip", "-n", task, "-o", "link")).stdout().lines()).hasSize(1)
                .allMatch(l -> l.contains(": lo:"));
        assertThat(dataRoot.resolve("overlay")).doesNotExist();
        assertThat(dataRoot.resolve(NodeId.FILE_NAME)).exists();
    }

    @Test
    void helpSaysWhatCleanupRemoves() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("agent", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--cleanup")
                .contains("remove everything it made on this node")
                .contains("docker_gwbridge, the nftables table swarmnet_gwbridge");
    }

    @Test
    void poolOverlappingTheUnderlayIsRefused() throws Exception {
        assertThat(refused("--gwbridge-pool", "192.0.2.0/25"))
                .isEqualTo("swarmnet: error: gwbridge pool 192.0.2.0/25 overlaps "
                        + UNDERLAY + "/24 on u0; configure a pool no interface of the node uses");
    }

    @Test
    void poolOverlappingAnOverlaySubnetIsRefused() throws Exception {
        assertThat(refused("--gwbridge-pool", "10.0.0.0/8")).startsWith("swarmnet: error: --gwbridge-pool 10.0.0.0/8 "
                + "overlaps the subnet 10.0.").endsWith("; choose a pool outside every overlay subnet");
        assertThat(refused("--gwbridge-pool", "10.0.9.128/25")).isEqualTo("swarmnet: error: --gwbridge-pool "
                + "10.0.9.128/25 overlaps the subnet 10.0.9.0/24 of overlay network app; choose a pool outside every"
                + " overlay subnet");
    }

    @Test
    void gatewayAddressInUseIsRefused() throws Exception {
        extraLinks.add("u1");
        RUN.check("ip", "-n", node, "link", "add", "u1", "type", "veth", "peer", "name", "u1p");
        RUN.check("ip", "-n", node, "addr", "add", "172.18.0.1/32", "dev", "u1");
        assertThat(refused()).isEqualTo("swarmnet: error: gwbridge pool 172.18.0.0/16 "
                + "overlaps 172.18.0.1/32 on u1; configure a pool no interface of the node uses");
    }

    @Test
    void dataPathPortInUseIsRefused() throws Exception {
        // A kernel VXLAN device (Docker's own overlay, say) holds UDP 4789.
        extraLinks.add("vx0");
        RUN.check("ip", "-n", node, "link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789",
                "local", UNDERLAY, "dev", "u0");
        RUN.check("ip", "-n", node, "link", "set", "vx0", "up");
        assertThat(refused()).startsWith("swarmnet: error: cannot bind the VXLAN data path on " + UNDERLAY + ":4789: ")
                .containsIgnoringCase("address already in use").contains("'docker swarm leave'", "--data-path-port");
    }

    @Test
    void foreignDockerGwbridgeIsRefused() throws Exception {
        extraLinks.add("docker_gwbridge");
        RUN.check("ip", "-n", node, "link", "add", "docker_gwbridge", "type", "veth", "peer", "name", "dgwp");
        assertThat(refused()).isEqualTo("swarmnet: error: gwbridge: docker_gwbridge exists "
                + "but is a veth, not a bridge; remove it or configure another bridge name");
    }
}
