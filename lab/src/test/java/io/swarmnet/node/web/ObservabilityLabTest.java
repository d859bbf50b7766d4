package io.swarmnet.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.cli.Main;
import io.swarmnet.lab.CommandRunner;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.LabExtension;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * What an operator sees of a three-node lab running a six-replica service: every agent's
 * /metrics passes promtool, a real Prometheus scrapes them all and returns a counter's
 * exact value after known traffic, and the live cluster view, rendered by headless
 * Chromium, draws every task on the node it runs on.
 */
@Tag("privileged")
@Timeout(240)
class ObservabilityLabTest {
    private static final Duration EXEC = Duration.ofSeconds(30);
    private static final List<String> HOSTS = List.of("m1", "w1", "w2");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CommandRunner RUNNER = new CommandRunner();

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).build();

    private static List<LabTask> tasks;
    private static Process prometheus;
    private static Path scratch;

    @BeforeAll
    static void deployASixReplicaService() throws IOException {
        scratch = Files.createTempDirectory("swarmnet-observe");
        // The view draws placement, not traffic: a task that only sleeps is enough and cheap.
        tasks = LabTasks.open(LAB.lab()).deploy(new DeploySpec("viz", 6, null, List.of(), List.of("sleep", "600")));
        assertThat(tasks).extracting(LabTask::host).containsAll(HOSTS);
    }

    @AfterAll
    static void stopPrometheusAndRemoveScratch() throws IOException {
        if (prometheus != null) {
            prometheus.destroyForcibly();
        }
        if (scratch != null) {
            RUNNER.run(EXEC, List.of("rm", "-rf", scratch.toString()));
        }
    }

    private static String metricsUrl(String host) {
        return "http://" + LAB.lab().metricsAddr(host) + "/metrics";
    }

    @Test
    void everyAgentsMetricsPassPromtool() throws IOException {
        for (String host : HOSTS) {
            Path file = scratch.resolve(host + ".prom");
            CommandRunner.Result scrape = LAB.exec("client", EXEC, List.of("curl", "-sf", "-o", file.toString(), metricsUrl(host)));
            assertThat(scrape.exitCode()).as("scrape of %s: %s", host, scrape.stderr()).isZero();

            CommandRunner.Result check = RUNNER.run(EXEC, List.of("sh", "-c", "promtool check metrics < " + file));

            assertThat(check.exitCode()).as("promtool on %s's metrics: %s%s", host, check.stdout(), check.stderr()).isZero();
            assertThat(Files.readString(file)).contains("swarmnet_overlay_rx_bytes_total{", "process_cpu_seconds_total");
        }
    }

    @Test
    void prometheusScrapesEveryAgentAndSeesExactlyTheForgedDatagramsCounted() throws Exception {
        String m1 = LAB.lab().metricsAddr("m1");
        double before = unknownPeerDrops(m1);
        Path config = scratch.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: swarmnet
                    static_configs:
                      - targets: [%s]
                """.formatted(String.join(", ", HOSTS.stream().map(h -> "'" + LAB.lab().metricsAddr(h) + "'").toList())));
        prometheus = LAB.lab().start("client", "prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + scratch.resolve("tsdb"), "--web.listen-address=127.0.0.1:9090", "--log.level=warn");

        awaitQuery("count(up{job=\"swarmnet\"} == 1)", 3.0);
        // The deploy went through the cluster CLI: every agent timed its commits.
        awaitQuery("count(swarmnet_cluster_commit_to_applied_seconds_count > 0)", 3.0);
        // Five VXLAN datagrams from the client, which is no cluster node: each is dropped
        // and counted as from an unknown peer, and nothing else on m1 sends such traffic.
        CommandRunner.Result sent = LAB.exec("client", EXEC, List.of("bash", "-c",
                "for i in 1 2 3 4 5; do printf '\\x08\\x00\\x00\\x00\\x00\\x10\\x01\\x00forged' > /dev/udp/"
                        + LAB.address("m1") + "/4789; done"));
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();

        awaitQuery("swarmnet_vtep_drops_total{reason=\"unknown_peer\",instance=\"" + m1 + "\"}", before + 5);
    }

    private static double unknownPeerDrops(String metricsAddr) {
        String text = LAB.exec("client", EXEC, List.of("curl", "-sf", "http://" + metricsAddr + "/metrics")).stdout();
        return MetricSamples.parse(text, java.util.Map.of("swarmnet_vtep_drops_total", "reason"))
                .sum("swarmnet_vtep_drops_total", "unknown_peer");
    }

    /** Waits until Prometheus answers {@code query} with one sample equal to {@code expected}. */
    private static void awaitQuery(String query, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            CommandRunner.Result r = LAB.exec("client", EXEC, List.of("curl", "-sf", "-G",
                    "--data-urlencode", "query=" + query, "http://127.0.0.1:9090/api/v1/query"));
            last = r.stdout() + r.stderr();
            if (r.ok()) {
                JsonNode result = JSON.readTree(r.stdout()).path("data").path("result");
                if (result.size() == 1 && Double.parseDouble(result.get(0).path("value").get(1).asText()) == expected) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never answered " + query + " with " + expected + "; last answer: " + last);
    }

    @Test
    void captureWritesTheOverlaysFramesAsAPcapThatTsharkReads() throws Exception {
        LabTask from = tasks.stream().filter(t -> t.host().equals("m1")).findFirst().orElseThrow();
        LabTask to = tasks.stream().filter(t -> t.host().equals("w1")).findFirst().orElseThrow();
        Path pcap = scratch.resolve("viz.pcap");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        Thread pinger = new Thread(() -> {
            sleep(1500);
            RUNNER.run(EXEC, List.of("ip", "netns", "exec", from.namespace(), "ping", "-c", "3", "-i", "0.2", to.ip()));
        });
        pinger.start();

        // A duration rather than a count: the tasks may ARP first, and those frames count too.
        int exit = cli.execute("capture", "--network", "viz_default", "--node", LAB.namespace("m1"),
                "-w", pcap.toString(), "--duration", "4");
        pinger.join();

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("frames captured to " + pcap, "0 dropped");
        CommandRunner.Result read = RUNNER.run(EXEC, List.of("tshark", "-r", pcap.toString(), "-Y", "icmp", "-T", "fields",
                "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type"));
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        assertThat(read.stdout().lines().toList()).containsExactly(
                from.ip() + "\t" + to.ip() + "\t8", to.ip() + "\t" + from.ip() + "\t0",
                from.ip() + "\t" + to.ip() + "\t8", to.ip() + "\t" + from.ip() + "\t0",
                from.ip() + "\t" + to.ip() + "\t8", to.ip() + "\t" + from.ip() + "\t0");
    }

    @Test
    void captureRefusesANetworkTheNodeDoesNotServeAndANodeNotOnThisHost() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("capture", "--network", "nosuch", "--node", LAB.namespace("m1"), "-w",
                scratch.resolve("x.pcap").toString(), "-c", "1")).isEqualTo(1);
        assertThat(cli.execute("capture", "--network", "viz_default", "--node", "elsewhere-7", "-w",
                scratch.resolve("x.pcap").toString(), "-c", "1")).isEqualTo(1);

        assertThat(err.toString()).contains("network nosuch is not served on this node", "networks here: ingress, viz_default")
                .contains("no agent of node elsewhere-7 runs on this host");
        assertThat(scratch.resolve("x.pcap")).doesNotExist();
    }

    @Test
    void dpShowListsTheLiveForwardingTablesOfANode() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("dp", "show", "fdb", "--node", LAB.namespace("m1"), "--format", "json")).as(err.toString()).isZero();

        List<JsonNode> fdb = out.toString().lines().map(ObservabilityLabTest::json).toList();
        for (LabTask t : tasks) {
            String mac = macOf(t.ip());
            JsonNode entry = fdb.stream().filter(r -> r.path("mac").asText().equals(mac)).findFirst()
                    .orElseThrow(() -> new AssertionError("no fdb entry for " + t.name() + " in " + out));
            assertThat(entry.path("network").asText()).isEqualTo("viz_default");
            if (t.host().equals("m1")) {
                assertThat(entry.path("via").asText()).matches("port \\d+ \\(" + Pattern.quote(t.name()) + " eth0\\)");
            } else {
                assertThat(entry.path("via").asText()).isEqualTo("vtep " + LAB.address(t.host()));
            }
        }

        out.getBuffer().setLength(0);
        assertThat(cli.execute("dp", "show", "ports", "--node", LAB.namespace("w1"))).as(err.toString()).isZero();
        assertThat(out.toString().lines().findFirst().orElseThrow()).startsWith("PORT").contains("TASK", "NETNS");
        assertThat(out.toString().lines().count()).isEqualTo(1 + tasks.stream().filter(t -> t.host().equals("w1")).count());

        LabTask m1Task = tasks.stream().filter(t -> t.host().equals("m1")).findFirst().orElseThrow();
        out.getBuffer().setLength(0);
        assertThat(cli.execute("dp", "show", "services", "--node", LAB.namespace("m1"), "--format", "json")).as(err.toString()).isZero();
        List<JsonNode> services = out.toString().lines().map(ObservabilityLabTest::json).toList();
        assertThat(services).extracting(r -> r.path("backend").asText())
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(LabTask::ip).toList());
        String vip = services.get(0).path("vip").asText();
        assertThat(services).allSatisfy(r -> assertThat(r.path("vip").asText()).isEqualTo(vip));

        out.getBuffer().setLength(0);
        assertThat(cli.execute("dp", "show", "dns", "--node", LAB.namespace("m1"), "--format", "json")).as(err.toString()).isZero();
        assertThat(out.toString().lines().map(ObservabilityLabTest::json))
                .anySatisfy(r -> {
                    assertThat(r.path("name").asText()).isEqualTo("viz");
                    assertThat(r.path("answers").get(0).asText()).isEqualTo(vip);
                });

        // One UDP datagram from a task of m1 to the VIP: a flow m1's load balancer tracks.
        RUNNER.run(EXEC, List.of("ip", "netns", "exec", m1Task.namespace(), "bash", "-c",
                "printf x > /dev/udp/" + vip + "/9999"));
        out.getBuffer().setLength(0);
        assertThat(cli.execute("dp", "show", "conntrack", "--node", LAB.namespace("m1"), "--format", "json")).as(err.toString()).isZero();
        assertThat(out.toString().lines().map(ObservabilityLabTest::json)).anySatisfy(r -> {
            assertThat(r.path("protocol").asText()).isEqualTo("udp");
            assertThat(r.path("client").asText()).startsWith(m1Task.ip() + ":");
            assertThat(r.path("vip").asText()).isEqualTo(vip + ":9999");
        });

        assertThat(cli.execute("dp", "show", "routes", "--node", LAB.namespace("m1"))).as("an unknown table is a usage error").isEqualTo(2);
        assertThat(err.toString()).contains("unknown table 'routes'");
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** Docker's MAC for a task address: 02:42 and the four address bytes. */
    private static String macOf(String ip) {
        StringBuilder mac = new StringBuilder("02:42");
        for (String part : ip.split("\\.")) {
            mac.append(':').append(String.format("%02x", Integer.parseInt(part)));
        }
        return mac.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theClusterViewDrawsEveryTaskOnItsNode() throws IOException {
        List<String> chromium = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + scratch.resolve("chromium"), "--window-size=1000,700", "--virtual-time-budget=5000");
        String url = "http://" + LAB.lab().metricsAddr("m1") + "/ui/";

        List<String> dump = new ArrayList<>(chromium);
        dump.addAll(List.of("--dump-dom", url));
        CommandRunner.Result dom = LAB.exec("client", Duration.ofSeconds(90), dump);
        assertThat(dom.exitCode()).as(dom.stderr()).isZero();

        for (String host : HOSTS) {
            String node = nodeSection(dom.stdout(), LAB.namespace(host));
            List<String> expected = tasks.stream().filter(t -> t.host().equals(host)).map(LabTask::name).toList();
            assertThat(tasksIn(node)).as("tasks drawn on %s", host).containsExactlyInAnyOrderElementsOf(expected);
        }

        // The picture itself, for a person to look at: target/cluster-view.png.
        Path png = Path.of("target", "cluster-view.png").toAbsolutePath();
        List<String> shot = new ArrayList<>(chromium);
        shot.addAll(List.of("--screenshot=" + png, url));
        CommandRunner.Result screenshot = LAB.exec("client", Duration.ofSeconds(90), shot);
        assertThat(screenshot.exitCode()).as(screenshot.stderr()).isZero();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    /** The markup of the node card for {@code hostname}; cards do not nest, so the first close ends it. */
    private static String nodeSection(String html, String hostname) {
        Matcher m = Pattern.compile("<section class=\"node[^\"]*\" data-node=\"" + Pattern.quote(hostname) + "\">(.*?)</section>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("a card for node %s in %s", hostname, html).isTrue();
        return m.group(1);
    }

    private static List<String> tasksIn(String section) {
        Matcher m = Pattern.compile("data-task=\"([^\"]+)\"").matcher(section);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
