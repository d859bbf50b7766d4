package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Tasks deployed into a lab of one manager and two workers over a 1400-byte underlay
 * reach each other across hosts through the agents' VTEPs: ping, TCP and UDP in both
 * directions, 1 GiB intact; tasks of another overlay cannot; scale and rm leave nothing.
 */
@Tag("privileged")
@Timeout(240)
class LabDeployTest {
    private static final Duration EXEC = Duration.ofSeconds(20);

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).underlayMtu(1400).build();

    private static final CommandRunner RUNNER = new CommandRunner();
    private static LabTasks tasks;
    private static List<LabTask> echo;

    @BeforeAll
    static void deployEchoOnEveryHost() {
        tasks = LabTasks.open(LAB.lab());
        echo = tasks.deploy(new DeploySpec("echo", 3, null, List.of(), List.of("swarmnet", "echo-server")));
        for (LabTask t : echo) {
            awaitHttp(echo.get(0).equals(t) ? echo.get(1) : echo.get(0), t);
        }
    }

    private static CommandRunner.Result inTask(LabTask t, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", t.namespace()));
        argv.addAll(List.of(command));
        return RUNNER.run(timeout, argv);
    }

    private static String http(LabTask from, LabTask to) {
        return inTask(from, EXEC, "curl", "-s", "--max-time", "3", "http://" + to.ip() + "/").stdout();
    }

    // A JVM takes a moment to start; the first answer over the overlay says the task is up.
    private static void awaitHttp(LabTask from, LabTask to) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!http(from, to).contains(to.name())) {
            assertThat(System.nanoTime() - deadline).as("%s never answered HTTP from %s; log: %s", to.name(), from.name(),
                    StartedDaemon.lastLogLine(java.nio.file.Path.of(to.log()), "")).isNegative();
            EtcdCluster.sleep(300);
        }
    }

    private static List<String[]> crossHostPairs() {
        List<String[]> pairs = new ArrayList<>();
        for (LabTask a : echo) {
            for (LabTask b : echo) {
                if (!a.host().equals(b.host())) {
                    pairs.add(new String[] {a.name(), b.name()});
                }
            }
        }
        return pairs;
    }

    private static LabTask task(String name) {
        return echo.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    private static List<String> taskNamespaces(String service) {
        return LabTeardown.existingNamespaces(LAB.name()).stream().filter(ns -> ns.contains("-" + service + ".")).toList();
    }

    @Test
    void spreadsTasksOverEveryHostWithTheirOwnNamespaceAndAddress() throws Exception {
        assertThat(echo).extracting(LabTask::host).containsExactlyInAnyOrder("m1", "w1", "w2");
        assertThat(echo).extracting(LabTask::name).containsExactly("echo.1", "echo.2", "echo.3");
        for (LabTask t : echo) {
            assertThat(t.namespace()).isEqualTo(LAB.name() + "-" + t.host() + "-" + t.name());
            assertThat(t.ip()).startsWith("10.");
            assertThat(t.running()).isTrue();
            assertThat(Files.readString(Topology.ETC_NETNS.resolve(t.namespace()).resolve("resolv.conf")))
                    .contains("nameserver 127.0.0.11");
        }
    }

    @Test
    void pingsAcrossHostsInBothDirections() {
        for (String[] p : crossHostPairs()) {
            CommandRunner.Result r = inTask(task(p[0]), EXEC, "ping", "-c1", "-W2", task(p[1]).ip());
            assertThat(r.exitCode()).as("ping %s -> %s: %s", p[0], p[1], r.stdout() + r.stderr()).isZero();
        }
    }

    @Test
    void answersHttpAcrossHostsInBothDirections() {
        for (String[] p : crossHostPairs()) {
            assertThat(http(task(p[0]), task(p[1]))).as("%s -> %s", p[0], p[1]).contains(p[1]).contains(task(p[1]).ip());
        }
    }

    @Test
    void echoesUdpAcrossHostsInBothDirections() {
        for (String[] p : crossHostPairs()) {
            // bash's /dev/udp gives a connected UDP socket; the machine has no nc.
            String script = "exec 3<>/dev/udp/" + task(p[1]).ip() + "/7; printf 'udp-" + p[0] + "' >&3; "
                    + "timeout 3 head -c " + ("udp-" + p[0]).length() + " <&3";
            CommandRunner.Result r = inTask(task(p[0]), EXEC, "bash", "-c", script);
            assertThat(r.stdout()).as("udp %s -> %s: %s", p[0], p[1], r.stderr()).isEqualTo("udp-" + p[0]);
        }
    }

    @Test
    @Timeout(120)
    void carriesOneGibibyteIntactBetweenHostsOverA1400ByteUnderlay() throws Exception {
        LabTask receiver = echo.stream().filter(t -> t.host().equals("w2")).findFirst().orElseThrow();
        LabTask sender = echo.stream().filter(t -> t.host().equals("w1")).findFirst().orElseThrow();
        List<String> java = new ArrayList<>(List.of(AgentFleet.java()));
        java.addAll(AgentFleet.jdkOptions());
        java.addAll(List.of("-cp", AgentFleet.classpath(), ChecksumTransfer.class.getName()));
        List<String> recv = new ArrayList<>(java);
        recv.addAll(List.of("recv", "5001"));
        List<String> send = new ArrayList<>(java);
        send.addAll(List.of("send", receiver.ip(), "5001", Long.toString(1L << 30)));
        CompletableFuture<CommandRunner.Result> received = CompletableFuture.supplyAsync(
                () -> inTask(receiver, Duration.ofSeconds(110), recv.toArray(String[]::new)));
        CommandRunner.Result sent = inTask(sender, Duration.ofSeconds(110), send.toArray(String[]::new));
        CommandRunner.Result got = received.get();
        assertThat(sent.exitCode()).as("sender: %s", sent.stderr()).isZero();
        assertThat(got.exitCode()).as("receiver: %s", got.stderr()).isZero();
        assertThat(sent.stdout().strip()).startsWith((1L << 30) + " ");
        assertThat(got.stdout().strip()).isEqualTo(sent.stdout().strip());
    }

    @Test
    void tasksOnAnotherOverlayCannotReachTheService() {
        List<LabTask> other = tasks.deploy(new DeploySpec("iso", 2, null, List.of(), List.of("sleep", "600")));
        try {
            LabTask outsider = other.get(0);
            assertThat(outsider.ip()).startsWith("10.");
            for (LabTask t : echo) {
                assertThat(inTask(outsider, EXEC, "ping", "-c1", "-W1", t.ip()).exitCode()).as("ping %s", t.name()).isNotZero();
                assertThat(inTask(outsider, EXEC, "curl", "-s", "--max-time", "2", "http://" + t.ip() + "/").stdout())
                        .doesNotContain(t.name());
            }
        } finally {
            tasks.remove("iso");
        }
        assertThat(taskNamespaces("iso")).isEmpty();
    }

    @Test
    void cliDeploysScalesAndRemovesLeavingNoTaskNamespace() {
        Run deployed = cli("lab", "deploy", "--name", LAB.name(), "sc", "--replicas", "1", "--", "sleep", "600");
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(deployed.out()).startsWith("TASK").contains("HOST", "IP", "NAMESPACE", "sc.1");
        assertThat(taskNamespaces("sc")).hasSize(1);

        Run up = cli("lab", "scale", "--name", LAB.name(), "sc=3");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("sc.1", "sc.2", "sc.3");
        assertThat(taskNamespaces("sc")).hasSize(3);
        assertThat(tasks.tasks("sc")).allMatch(LabTask::running);

        Run down = cli("lab", "scale", "--name", LAB.name(), "sc=1");
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(taskNamespaces("sc")).hasSize(1);

        Run rm = cli("lab", "rm", "--name", LAB.name(), "sc");
        assertThat(rm.exit()).as(rm.err()).isZero();
        assertThat(rm.out().strip()).isEqualTo("sc: 1 task removed");
        assertThat(taskNamespaces("sc")).isEmpty();
        assertThat(tasks.tasks("sc")).isEmpty();
        assertThat(tasks.networks()).noneMatch(n -> n.path("Name").asText().equals("sc_default"));

        Run again = cli("lab", "rm", "--name", LAB.name(), "sc");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("swarmnet: error: no service 'sc' in lab '" + LAB.name() + "'");
    }
}
