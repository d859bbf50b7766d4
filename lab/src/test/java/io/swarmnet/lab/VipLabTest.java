package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.cli.swarm.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service's VIP, from one of its own tasks, in a lab of one manager and two workers with
 * tasks of the service on each: new TCP and UDP flows spread evenly over the other tasks
 * (never to the client itself), the client's own address reaches them, a ping to the VIP is
 * answered, a long-lived connection survives scaling while its task stays, and a client
 * whose task is removed gets a RST promptly instead of hanging.
 */
@Tag("privileged")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VipLabTest {
    private static final Duration EXEC = Duration.ofSeconds(30);
    private static final Pattern TASK = Pattern.compile("web\\.(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 30;

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).underlayMtu(1400).build();

    private static final CommandRunner RUNNER = new CommandRunner();
    private static LabTasks tasks;
    private static LabTask client;
    private static List<LabTask> web;
    private static String vip;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void deployAServiceOnEveryHost() {
        tasks = LabTasks.open(LAB.lab());
        web = tasks.deploy(new DeploySpec("web", 4, null, List.of(), List.of("swarmnet", "echo-server")));
        assertThat(web).extracting(LabTask::host).contains("m1", "w1", "w2");
        // The client is a task of the service itself (a second service would cost half a
        // minute of deploying): the VIP never sends it to itself, so its flows spread over
        // the other three, on all three hosts.
        client = web.get(0);
        JsonNode inspected = new LabCluster(LAB.lab()).lines("service", "inspect", "web", "--format", "json").get(0);
        String addr = inspected.path("Endpoint").path("VirtualIPs").get(0).path("Addr").asText();
        vip = addr.substring(0, addr.indexOf('/'));
        // Every task's JVM must be up before the counts mean anything.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (counts(bash(httpLoop(6))).size() < 3) {
            assertThat(System.nanoTime() - deadline).as("not every task answered through VIP %s", vip).isNegative();
            EtcdCluster.sleep(500);
        }
    }

    private static CommandRunner.Result inClient(Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", client.namespace()));
        argv.addAll(List.of(command));
        return RUNNER.run(timeout, argv);
    }

    private static String bash(String script) {
        return inClient(EXEC, "bash", "-c", script).stdout();
    }

    private static String httpLoop(int n) {
        return "for i in $(seq " + n + "); do curl -s --max-time 3 http://" + vip + "/; echo; done";
    }

    private static Map<String, Integer> counts(String output) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : output.lines().toList()) {
            Matcher m = TASK.matcher(line);
            if (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    @Order(1)
    void spreadsNewTcpConnectionsEvenlyOverTheTasksOfEveryHost() {
        String out = bash(httpLoop(REQUESTS));
        assertThat(counts(out)).as(out).containsOnlyKeys("web.2", "web.3", "web.4")
                .allSatisfy((task, n) -> assertThat(n).isEqualTo(REQUESTS / 3));
        // Destination NAT only: the tasks see the client's own address.
        assertThat(out).contains(client.ip());
    }

    @Test
    @Order(2)
    void spreadsNewUdpFlowsEvenlyOverTheTasksOfEveryHost() {
        // Each subshell opens a fresh connected UDP socket: a new source port, a new flow.
        String out = bash("for i in $(seq " + REQUESTS + "); do (exec 3<>/dev/udp/" + vip + "/80; printf who >&3; "
                + "timeout 2 head -n1 <&3); done");
        assertThat(counts(out)).as(out).containsOnlyKeys("web.2", "web.3", "web.4")
                .allSatisfy((task, n) -> assertThat(n).isEqualTo(REQUESTS / 3));
    }

    @Test
    @Order(3)
    void aDatagramLargerThanTheMtuIsBalancedWholeAndItsEchoComesBackFromTheVip() {
        // 4000 bytes over a 1350-byte overlay MTU: three fragments each way, which only the
        // first one's ports place; IPVS needs the kernel's defragmentation for this.
        String script = String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "s.settimeout(3)",
                "data = bytes(i % 251 for i in range(4000))",
                "s.sendto(data, (sys.argv[1], 7))",
                "got, peer = s.recvfrom(65535)",
                "print(len(got), got == data, peer[0])");
        CommandRunner.Result r = inClient(EXEC, "/usr/bin/python3", "-c", script, vip);
        assertThat(r.stdout().strip()).as(r.stderr()).isEqualTo("4000 True " + vip);
    }

    @Test
    @Order(3)
    void answersAPingToTheVip() {
        CommandRunner.Result r = inClient(EXEC, "ping", "-c2", "-W2", vip);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    }

    @Test
    @Order(4)
    void weightedRoundRobinGivesEachTaskItsNodesShareOfNewFlows() {
        LabCluster cluster = new LabCluster(LAB.lab());
        String heavy = web.get(1).host();
        String heavyNode = cluster.lines("node", "ls", "--format", "json").stream().map(n -> n.path("Hostname").asText())
                .filter(h -> h.endsWith("-" + heavy)).findFirst().orElseThrow();
        cluster.check("service", "update", "--lb-scheduler", "wrr", "web");
        cluster.check("node", "update", "--lb-weight", "3", heavyNode);
        try {
            // Over any run of picks as long as the weights' sum, each task is picked its
            // weight's times; the client's own turns go to the next, so two runs serve
            // twice every other task's weight.
            Map<String, Integer> expected = new TreeMap<>();
            int requests = 0;
            for (LabTask t : web) {
                if (t != client) {
                    int weight = t.host().equals(heavy) ? 3 : 1;
                    expected.put(t.name(), 2 * weight);
                    requests += 2 * weight;
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Map<String, Integer> seen;
            while (!(seen = counts(bash(httpLoop(requests)))).equals(expected)) {
                assertThat(System.nanoTime() - deadline).as("the weights never showed: %s, not %s", seen, expected)
                        .isNegative();
                EtcdCluster.sleep(300);
            }
        } finally {
            cluster.check("node", "update", "--lb-weight", "1", heavyNode);
            cluster.check("service", "update", "--lb-scheduler", "rr", "web");
        }
    }

    /**
     * Starts a Python client in the client task that opens {@code n} keep-alive HTTP
     * connections to the VIP and writes the task that answered each, a line each, to
     * {@code first}. Then it watches them: a connection that ends prints {@code reset} or
     * {@code eof} with the time; once {@code go} exists, each connection to a task named in
     * it asks again and prints {@code second} with the answer.
     */
    private static CompletableFuture<CommandRunner.Result> longLived(int n, Path first, Path go) {
        String script = String.join("\n",
                "import os, select, socket, sys, time",
                "vip, first, go, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])",
                "def get(s):",
                "    s.sendall(b'GET / HTTP/1.1\\r\\nHost: vip\\r\\n\\r\\n')",
                "    data = b''",
                "    while b'\\r\\n\\r\\n' not in data:",
                "        chunk = s.recv(4096)",
                "        if not chunk: raise EOFError('closed')",
                "        data += chunk",
                "    head, body = data.split(b'\\r\\n\\r\\n', 1)",
                "    size = int([l.split(b':')[1] for l in head.split(b'\\r\\n') if l.lower().startswith(b'content-length')][0])",
                "    while len(body) < size: body += s.recv(4096)",
                "    return body.decode().split()[0]",
                "conns = [socket.create_connection((vip, 80), timeout=10) for _ in range(n)]",
                "names = {s: get(s) for s in conns}",
                "with open(first + '.tmp', 'w') as f: f.write('\\n'.join(names.values()))",
                "os.rename(first + '.tmp', first)",
                "out, open_ = [], list(conns)",
                "deadline = time.time() + 60",
                "while open_ and time.time() < deadline:",
                "    for s in select.select(open_, [], [], 0.05)[0]:",
                "        open_.remove(s)",
                "        try: out.append(('eof ' if not s.recv(1) else 'data ') + names[s])",
                "        except OSError as e: out.append('%s %s %.3f' % (type(e).__name__, names[s], time.time()))",
                "    if os.path.exists(go):",
                "        keep = open(go).read().split()",
                "        for s in [s for s in open_ if names[s] in keep]:",
                "            open_.remove(s)",
                "            try: out.append('second %s %s' % (names[s], get(s)))",
                "            except Exception as e: out.append('%s %s' % (type(e).__name__, names[s]))",
                "print('\\n'.join(out + ['open ' + names[s] for s in open_]))");
        return CompletableFuture.supplyAsync(() -> inClient(Duration.ofSeconds(90), "/usr/bin/python3", "-c", script, vip,
                first.toString(), go.toString(), Integer.toString(n)));
    }

    private static List<String> awaitFirst(Path first) throws java.io.IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(first)) {
            assertThat(System.nanoTime() - deadline).as("the long-lived client never got its first answers").isNegative();
            EtcdCluster.sleep(100);
        }
        return Files.readAllLines(first);
    }

    @Test
    @Order(5)
    void aDrainingTaskFinishesItsOpenConnectionsAndTakesNoNewOnes() throws Exception {
        Path first = tmp.resolve("drain-first");
        Path go = tmp.resolve("drain-go");
        CompletableFuture<CommandRunner.Result> running = longLived(3, first, go);
        assertThat(awaitFirst(first)).containsExactlyInAnyOrder("web.2", "web.3", "web.4");
        String drained = tasks.tasks("web").stream().filter(t -> t.name().equals("web.4")).findFirst().orElseThrow().ip();

        // Scaling 4 -> 3 with a grace period: web.4 drains for 8 s, then it is removed.
        CompletableFuture<String> update = CompletableFuture.supplyAsync(() -> new LabCluster(LAB.lab())
                .check("service", "update", "web", "--replicas", "3", "--stop-grace-period", "8s"));
        awaitBackendState(drained, "draining");
        Map<String, Integer> fresh = counts(bash(httpLoop(6)));
        Files.writeString(go, "web.2 web.3 web.4");
        CommandRunner.Result r = running.get();

        assertThat(fresh).as("new connections while web.4 drains").containsOnlyKeys("web.2", "web.3");
        assertThat(r.stdout().strip().lines().toList()).as(r.stdout() + r.stderr())
                .containsExactlyInAnyOrder("second web.2 web.2", "second web.3 web.3", "second web.4 web.4");
        assertThat(update.get()).as("the update returns after the grace period").contains("web");
        assertThat(new LabCluster(LAB.lab()).lines("service", "ps", "web", "--format", "json"))
                .extracting(t -> t.path("Name").asText()).containsExactlyInAnyOrder("web.1", "web.2", "web.3");

        // Back to four tasks for the next test, every one answering.
        tasks.scale("web", 4);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (counts(bash(httpLoop(6))).size() < 3) {
            assertThat(System.nanoTime() - deadline).as("web.4 never answered again through VIP %s", vip).isNegative();
            EtcdCluster.sleep(500);
        }
    }

    /** Waits until the client's agent has {@code backendIp} behind the VIP in {@code state}, as dp show says. */
    private static void awaitBackendState(String backendIp, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            CliRun dp = CliRun.run(List.of(), "dp", "show", "services", "--node", LAB.namespace(client.host()), "--format", "json");
            for (String line : dp.lines()) {
                JsonNode row = JSON.readTree(line);
                if (row.path("backend").asText().equals(backendIp) && row.path("state").asText().equals(state)) {
                    return;
                }
            }
            assertThat(System.nanoTime() - deadline).as("backend %s never became %s: %s%s", backendIp, state, dp.out(), dp.err())
                    .isNegative();
            EtcdCluster.sleep(100);
        }
    }

    @Test
    @Order(6)
    void scalingKeepsTheConnectionsOfStayingTasksAndResetsTheOthersPromptly() throws Exception {
        Path first = tmp.resolve("first");
        Path go = tmp.resolve("go");
        CompletableFuture<CommandRunner.Result> running = longLived(3, first, go);
        // Round-robin: three connections in a row reach the three other tasks.
        assertThat(awaitFirst(first)).containsExactlyInAnyOrder("web.2", "web.3", "web.4");
        // Scaling up changes every node's table while the connections are open; the new
        // tasks need not run for that, so the store alone is scaled up (no task JVMs start).
        new LabCluster(LAB.lab()).check("service", "update", "web", "--replicas", "6");
        assertThat(tasks.scale("web", 2)).extracting(LabTask::name).containsExactly("web.1", "web.2");
        long removedAt = System.currentTimeMillis();
        Files.writeString(go, "web.2");
        CommandRunner.Result r = running.get();
        List<String> lines = r.stdout().strip().lines().toList();
        assertThat(lines).as(r.stdout() + r.stderr()).hasSize(3)
                .contains("second web.2 web.2");
        List<String> resets = lines.stream().filter(l -> !l.startsWith("second ")).toList();
        assertThat(resets).extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1])
                .containsExactlyInAnyOrder("ConnectionResetError web.3", "ConnectionResetError web.4");
        for (String line : resets) {
            long resetAt = (long) (Double.parseDouble(line.split(" ")[2]) * 1000);
            // The agent checks flows against each new table about once a second.
            assertThat(resetAt - removedAt).as("%s reset %d ms after scale-down returned", line, resetAt - removedAt)
                    .isLessThan(3000);
        }
    }
}
