package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Published ports from the lab's client namespace, as an outside client sees them: the
 * routing mesh answers on every node and spreads TCP and UDP over every task, a host-mode
 * port answers only where its task runs and shows the client's own address, a PROXY v2
 * port hands the client's address to the task, ports come and go live, and a connection
 * through the mesh outlives scaling.
 */
@Tag("privileged")
@Timeout(240)
class RoutingMeshLabTest {
    private static final Duration EXEC = Duration.ofSeconds(20);
    private static final String CLIENT_IP = "192.0.2.100";

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).build();

    private static LabTasks tasks;
    private static LabCluster cluster;
    private static List<LabTask> web;
    private static LabTask hostMode;
    /** A host running no task of {@code web}. */
    private static String idle;

    @BeforeAll
    static void deploy() {
        tasks = LabTasks.open(LAB.lab());
        cluster = new LabCluster(LAB.lab());
        web = tasks.deploy(new DeploySpec("web", 2, null,
                List.of("8000:80", "published=8001,target=80,protocol=udp", "8007:7"), List.of("swarmnet", "echo-server")));
        // Services of their own, deployed side by side on web's network to save a network each.
        CompletableFuture<List<LabTask>> hm = CompletableFuture.supplyAsync(() -> tasks.deploy(new DeploySpec("hm", 1,
                "web_default", List.of("published=9000,target=80,mode=host"), List.of("swarmnet", "echo-server"))));
        tasks.deploy(new DeploySpec("pp", 1, "web_default", List.of("published=8002,target=80,proxy-protocol=v2"),
                List.of("swarmnet", "echo-server", "--proxy-protocol")));
        hostMode = hm.join().get(0);
        idle = List.of("m1", "w1", "w2").stream().filter(h -> web.stream().noneMatch(t -> t.host().equals(h)))
                .findFirst().orElseThrow();
        for (LabTask t : web) {
            awaitAnswer(idle, 8000, t.name());
        }
        awaitAnswer(hostMode.host(), 9000, hostMode.name());
        awaitAnswer(idle, 8002, "pp.1");
    }

    private static CommandRunner.Result client(Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        return LAB.exec("client", timeout, argv);
    }

    private static CommandRunner.Result http(String host, int port) {
        return client(EXEC, "curl", "-s", "--max-time", "3", "http://" + LAB.address(host) + ":" + port + "/");
    }

    // A task's JVM takes a moment to start; the mesh may reach one task before another is up.
    private static void awaitAnswer(String host, int port, String task) {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!http(host, port).stdout().contains(task + " ")) {
            assertThat(System.nanoTime() - deadline).as("%s never answered on %s:%d", task, host, port).isNegative();
            EtcdCluster.sleep(300);
        }
    }

    private static String firstWord(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    private static Map<String, Long> count(List<String> answers) {
        return answers.stream().map(RoutingMeshLabTest::firstWord)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    @Test
    void tcpRequestsToANodeWithoutATaskAreSpreadEvenlyOverEveryTask() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(http(idle, 8000).stdout());
        }
        assertThat(count(answers)).containsOnly(Map.entry("web.1", 5L), Map.entry("web.2", 5L));
        assertThat(answers).allSatisfy(a -> assertThat(a).as("masqueraded to the node's ingress address")
                .contains("client=10.0.0."));
    }

    @Test
    void udpDatagramsToANodeWithoutATaskAreSpreadEvenlyOverEveryTask() {
        // Each bash /dev/udp is a new socket, so a new flow with a new source port.
        String one = "exec 3<>/dev/udp/" + LAB.address(idle) + "/8001; printf who >&3; timeout 2 head -n1 <&3";
        CommandRunner.Result r = client(EXEC, "bash", "-c", "for i in $(seq 10); do bash -c '" + one + "'; done");
        List<String> answers = r.stdout().lines().toList();
        assertThat(count(answers)).as(r.stderr()).containsOnly(Map.entry("web.1", 5L), Map.entry("web.2", 5L));
    }

    @Test
    void everyNodeAnswersTheMeshByDnatToTheVipThroughItsIngressEndpoint() {
        for (String host : List.of("m1", "w1", "w2")) {
            assertThat(http(host, 8000).stdout()).as(host).startsWith("web.");
            String table = LAB.exec(host, "nft", "list", "table", "ip", "swarmnet_ingress").stdout();
            assertThat(table).as(host).containsPattern("tcp dport 8000 dnat to 10\\.0\\.0\\.[0-9]+:80")
                    .contains("udp dport 8001 dnat to", "oifname \"snt-ingress\" ct status dnat masquerade")
                    .doesNotContain("dport 8002");
            assertThat(LAB.exec(host, "ip", "-br", "addr", "show", "snt-ingress").stdout()).as(host)
                    .contains("10.0.0.");
        }
    }

    @Test
    void hostModePortAnswersOnlyWhereItsTaskRunsAndShowsTheClientsAddress() {
        assertThat(http(hostMode.host(), 9000).stdout()).startsWith(hostMode.name() + " 172.18.")
                .contains("client=" + CLIENT_IP + ":");
        for (String host : List.of("m1", "w1", "w2")) {
            if (!host.equals(hostMode.host())) {
                CommandRunner.Result r = http(host, 9000);
                assertThat(r.exitCode()).as("curl to %s:9000 (7 = connection refused)", host).isEqualTo(7);
            }
        }
    }

    @Test
    void proxyProtocolPortHandsTheClientsAddressToTheTask() {
        for (String host : List.of("m1", "w1", "w2")) {
            assertThat(http(host, 8002).stdout()).as(host).startsWith("pp.1 ")
                    .contains("client=" + CLIENT_IP + ":").contains(" via=10.0.0.");
        }
    }

    @Test
    void publishAddAnswersAtOnceAndPublishRmStopsAnswering() {
        cluster.check("service", "update", "web", "--publish-add", "8080:80");
        awaitAnswer(idle, 8080, "web.1");
        cluster.check("service", "update", "web", "--publish-rm", "published=8080,target=80");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (http(idle, 8080).exitCode() != 7) {
            assertThat(System.nanoTime() - deadline).as("port 8080 still answers after --publish-rm").isNegative();
            EtcdCluster.sleep(200);
        }
        assertThat(http(idle, 8000).stdout()).startsWith("web.");
    }

    @Test
    @Timeout(90)
    void aLongLivedConnectionThroughTheMeshSurvivesScalingUpAndDown() throws Exception {
        Path ready = LAB.lab().stateDir().resolve("mesh-connected");
        Path go = LAB.lab().stateDir().resolve("mesh-scaled");
        // One TCP connection to the echo port: a line before scaling, one after.
        String script = "exec 3<>/dev/tcp/" + LAB.address(idle) + "/8007; echo before >&3; timeout 5 head -n1 <&3; "
                + "touch " + ready + "; for i in $(seq 300); do [ -e " + go + " ] && break; sleep 0.2; done; "
                + "echo after >&3; timeout 5 head -n1 <&3";
        CompletableFuture<CommandRunner.Result> conn = CompletableFuture.supplyAsync(
                () -> client(Duration.ofSeconds(80), "bash", "-c", script));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.exists(ready) && !conn.isDone()) {
                assertThat(System.nanoTime() - deadline).as("the connection through the mesh never opened").isNegative();
                EtcdCluster.sleep(100);
            }
            // The service's backends change twice on every node under the open connection,
            // whose own task stays; the control plane's change is what the mesh follows.
            cluster.check("service", "update", "web", "--replicas", "3");
            cluster.check("service", "update", "web", "--replicas", "2", "--stop-grace-period", "0s");
        } finally {
            Files.writeString(go, "");
        }
        CommandRunner.Result r = conn.get();
        assertThat(r.stdout().lines().toList()).as(r.stderr()).containsExactly("before", "after");
    }
}
