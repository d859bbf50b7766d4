package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
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
 * The seed tutorial replayed with real containers: each host's agent runs the tasks placed
 * on it through its own dockerd, plumbed before they start. An {@code api} service answers
 * on 8080; an {@code nginx} service proxies to {@code api:8080} by name (resolved once, at
 * nginx's start, through 127.0.0.11) and is published on :80 in ingress mode. Then the
 * life of tasks: a crash, an image that does not exist, an image update, scaling, the
 * agent killed with SIGKILL, and removal.
 */
@Tag("privileged")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerTasksLabTest {
    private static final List<String> NODES = List.of("m1", "w1", "w2");
    private static final Set<String> API_TASKS = Set.of("api.1", "api.2", "api.3");
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /**
     * Requests per check: the mesh spreads them over the three nginx tasks, and each nginx's
     * node balances its own share over the api tasks round-robin, so 12 reach every api task.
     */
    private static final int ROUNDS = 12;

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).docker(true).build();

    private static LabCluster cluster;
    private static Process internet;

    @BeforeAll
    static void deployTheTutorial() {
        cluster = new LabCluster(LAB.lab());
        internet = LAB.lab().start("internet", LabTasks.resolve(List.of("swarmnet", "echo-server", "--name", "internet"))
                .toArray(String[]::new));
        cluster.check("init");
        cluster.check("network", "create", "--attachable", "localnet");
        cluster.check("service", "create", "--name", "api", "--replicas", "3", "--network", "localnet",
                "-e", "PORT=8080", "--stop-grace-period", "1s", LabImages.ECHO);
        cluster.check("service", "create", "--name", "nginx", "--replicas", "3", "--network", "localnet",
                "--publish", "80:80", "-e", "UPSTREAM=api:8080", "--stop-grace-period", "1s", LabImages.NGINX);
    }

    @AfterAll
    static void stopTheInternetServer() throws InterruptedException {
        if (internet != null) {
            internet.destroy();
            internet.waitFor();
        }
    }

    @Test
    @Order(1)
    void everyNodesPort80AnswersThroughNginxFromTheApiTasksInTurn() {
        awaitRunning("api", 3);
        awaitRunning("nginx", 3);
        for (String node : NODES) {
            assertThat(answersThrough(node, ROUNDS)).as("api tasks answering through %s:80", node).isEqualTo(API_TASKS);
        }
        List<JsonNode> ps = cluster.lines("service", "ps", "--format", "json", "api");
        assertThat(ps).extracting(t -> t.path("Node").asText()).as("one api task per node")
                .containsExactlyInAnyOrder(LAB.namespace("m1"), LAB.namespace("w1"), LAB.namespace("w2"));
        assertThat(ps).allSatisfy(t -> assertThat(t.path("Image").asText()).isEqualTo(LabImages.ECHO));
    }

    @Test
    @Order(2)
    void aTasksContainerSeesItsNetworksAndTheEmbeddedResolver() {
        String host = hostOf("api.1");
        String container = containerOf(host, "api.1");
        CommandRunner.Result r = LAB.docker(host, "exec", container, "sh", "-c",
                "cat /etc/resolv.conf; ip -o -4 addr show; nslookup api 2>&1");
        assertThat(r.stdout()).contains("nameserver 127.0.0.11", "options ndots:0", "eth0", "eth1");
        String vip = cluster.lines("service", "inspect", "api", "--format", "json").get(0)
                .path("Endpoint").path("VirtualIPs").get(0).path("Addr").asText().replaceAll("/.*", "");
        assertThat(r.stdout()).as("the service name answers with its VIP").contains("Name:\tapi\nAddress: " + vip + "\n");
    }

    @Test
    @Order(3)
    void aBridgeContainerOfDockersOwnStillReachesTheLabsInternetBesideSwarmnet() {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        CommandRunner.Result r;
        do {
            r = LAB.docker("w1", "run", "--rm", LabImages.ECHO, "timeout", "5", "wget", "-qO-",
                    "http://" + LabHost.INTERNET_ADDRESS + "/");
        } while (!r.stdout().startsWith("internet ") && System.nanoTime() < deadline);
        assertThat(r.stdout()).as(r.stderr()).startsWith("internet " + LabHost.INTERNET_ADDRESS + ":80 client=");
    }

    @Test
    @Order(4)
    void aContainerThatCrashesIsStartedAgain() {
        String host = hostOf("api.2");
        String before = containerId(host, "api.2");
        assertThat(LAB.docker(host, "kill", before).ok()).isTrue();

        await("api.2 restarted in a new container", () -> {
            String now = containerId(host, "api.2");
            return !now.isEmpty() && !now.equals(before) && running("api") == 3;
        });
        assertThat(LAB.docker(host, "ps", "-aq", "--filter", "label=swarmnet.task.name=api.2").stdout().strip().lines())
                .as("the crashed container and its sandbox were removed: one container and one sandbox").hasSize(2);
        assertThat(answersThrough("w2", ROUNDS)).isEqualTo(API_TASKS);
    }

    @Test
    @Order(5)
    void anImageThatDoesNotExistFailsItsTaskWithDockersErrorAndNothingElse() {
        cluster.check("service", "create", "--name", "bad", "--network", "localnet", "swarmnet/nosuch:1");
        await("bad.1 failed", () -> cluster.lines("service", "ps", "--format", "json", "bad").stream()
                .anyMatch(t -> t.path("CurrentState").asText().startsWith("Failed")
                        && t.path("Error").asText().equals("No such image: swarmnet/nosuch:1")));
        for (String node : NODES) {
            assertThat(answersThrough(node, ROUNDS)).as("through %s", node).isEqualTo(API_TASKS);
        }
        cluster.check("service", "rm", "bad");
    }

    @Test
    @Order(6)
    void anImageUpdateReplacesEachTasksContainer() {
        for (String node : NODES) {
            assertThat(LAB.docker(node, "tag", LabImages.ECHO, "swarmnet/echo:v2").ok()).isTrue();
        }
        cluster.check("service", "update", "--image", "swarmnet/echo:v2", "api");
        await("every api container runs swarmnet/echo:v2", () -> {
            int v2 = 0;
            for (String node : NODES) {
                v2 += LAB.docker(node, "ps", "-q", "--filter", "label=swarmnet.role=task",
                        "--filter", "ancestor=swarmnet/echo:v2").stdout().strip().lines().count();
            }
            return v2 == 3 && running("api") == 3;
        });
        assertThat(answersThrough("m1", ROUNDS)).isEqualTo(API_TASKS);
    }

    @Test
    @Order(7)
    void scalingDownStopsContainersAndScalingUpStartsThem() {
        cluster.check("service", "update", "--replicas", "1", "--stop-grace-period", "1s", "api");
        await("two api containers stopped", () -> apiContainers() == 1);
        assertThat(answersThrough("w1", 4)).containsExactly("api.1");

        cluster.check("service", "update", "--replicas", "3", "api");
        await("three api tasks running", () -> apiContainers() == 3 && running("api") == 3);
        assertThat(answersThrough("w2", ROUNDS)).isEqualTo(API_TASKS);
    }

    @Test
    @Order(8)
    void anAgentKilledWithSigkillAdoptsItsContainersAndStartsNothingTwice() throws InterruptedException {
        String before = LAB.docker("w1", "ps", "-q", "--no-trunc").stdout();
        LabAgentRestart.kill9(LAB.lab(), "w1");
        LabAgentRestart.start(LAB.lab(), "w1");

        await("w1's tasks answer again", () -> answersThrough("w1", ROUNDS).equals(API_TASKS));
        assertThat(LAB.docker("w1", "ps", "-q", "--no-trunc").stdout()).as("the same containers, none added")
                .isEqualTo(before);
        for (String node : NODES) {
            assertThat(answersThrough(node, ROUNDS)).as("through %s", node).isEqualTo(API_TASKS);
        }
    }

    @Test
    @Order(9)
    void removingTheServicesRemovesTheirContainersOnEveryNode() {
        cluster.check("service", "rm", "nginx", "api");
        await("no swarmnet container left", () -> NODES.stream().allMatch(n ->
                LAB.docker(n, "ps", "-aq", "--filter", "label=swarmnet.task.id").stdout().isBlank()));
    }

    // --- helpers

    /** The first word of each of {@code requests} answers from {@code node}'s :80, seen from the client. */
    private static Set<String> answersThrough(String node, int requests) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            CommandRunner.Result r = LAB.exec("client", "curl", "-s", "--max-time", "3",
                    "http://" + LAB.address(node) + ":80/");
            if (r.ok() && !r.stdout().isBlank()) {
                names.add(r.stdout().split(" ", 2)[0]);
            }
        }
        return names;
    }

    private static long running(String service) {
        return cluster.lines("service", "ps", "--format", "json", service).stream()
                .filter(t -> t.path("CurrentState").asText().startsWith("Running")).count();
    }

    private static void awaitRunning(String service, int n) {
        await(n + " " + service + " tasks running", () -> running(service) == n);
    }

    private static long apiContainers() {
        long n = 0;
        for (String node : NODES) {
            n += LAB.docker(node, "ps", "-q", "--filter", "label=swarmnet.role=task",
                    "--filter", "label=swarmnet.task.name").stdout().strip().lines()
                    .filter(id -> !id.isBlank()).filter(id -> LAB.docker(node, "inspect", "-f",
                            "{{index .Config.Labels \"swarmnet.task.name\"}}", id).stdout().startsWith("api.")).count();
        }
        return n;
    }

    /** The lab host that runs task {@code name}. */
    private static String hostOf(String name) {
        Map<String, String> byNamespace = new HashMap<>();
        NODES.forEach(n -> byNamespace.put(LAB.namespace(n), n));
        for (JsonNode t : cluster.lines("service", "ps", "--format", "json", name.substring(0, name.indexOf('.')))) {
            if (t.path("Name").asText().equals(name)) {
                return byNamespace.get(t.path("Node").asText());
            }
        }
        throw new AssertionError("no task " + name);
    }

    private static String containerOf(String host, String name) {
        String id = containerId(host, name);
        assertThat(id).as("a running container of %s on %s", name, host).isNotEmpty();
        return id;
    }

    /** The running task container of task {@code name} on {@code host}, or "". */
    private static String containerId(String host, String name) {
        return LAB.docker(host, "ps", "-q", "--filter", "label=swarmnet.task.name=" + name,
                "--filter", "label=swarmnet.role=task").stdout().strip();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                List<String> state = new ArrayList<>();
                for (String s : List.of("api", "nginx", "bad")) {
                    CommandRunner.Result r = cluster.run("service", "ps", s);
                    state.add(r.stdout() + r.stderr());
                }
                throw new AssertionError("not within " + SETTLE.toSeconds() + " s: " + what + "\n" + String.join("\n", state));
            }
            EtcdCluster.sleep(250);
        }
    }
}
