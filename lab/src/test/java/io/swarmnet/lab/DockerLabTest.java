package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.cli.Main;
import io.swarmnet.node.task.ProcessRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every lab host runs its own dockerd: in its own namespace with its own docker0, loaded
 * with the lab's offline images, its bridge containers reaching the lab's internet, and
 * all of it gone after {@code lab down}. One manager and one worker, no agents.
 */
@Tag("privileged")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerLabTest {
    private static final List<String> HOSTS = List.of("m1", "w1");
    private static final String INTERNET_URL = "http://" + LabHost.INTERNET_ADDRESS + "/";

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(1).agents(false).docker(true).build();

    private static final CommandRunner RUNNER = new CommandRunner();
    private static Process internet;

    @TempDir
    static Path tmp;

    // A JVM that takes a moment to start; the egress test waits for its first answer.
    @BeforeAll
    static void startTheInternetServer() {
        internet = LAB.lab().start("internet", LabTasks.resolve(List.of("swarmnet", "echo-server", "--name", "internet"))
                .toArray(String[]::new));
    }

    @AfterAll
    static void stopTheInternetServer() throws InterruptedException {
        if (internet != null) {
            internet.destroy();
            internet.waitFor();
        }
    }

    private static CommandRunner.Result docker(String host, String... args) {
        CommandRunner.Result r = LAB.docker(host, args);
        assertThat(r.exitCode()).as("docker %s on %s: %s", String.join(" ", args), host, r.stderr()).isZero();
        return r;
    }

    private static String awaitOutput(Supplier<CommandRunner.Result> command, String expectedStart) {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        CommandRunner.Result r = command.get();
        while (!r.stdout().startsWith(expectedStart)) {
            assertThat(System.nanoTime() - deadline).as("never got '%s': %s", expectedStart, r.stdout() + r.stderr())
                    .isNegative();
            EtcdCluster.sleep(200);
            r = command.get();
        }
        return r.stdout();
    }

    private static String ip(String host, String container) {
        return docker(host, "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)
                .stdout().strip();
    }

    @Test
    @Order(1)
    void eachHostsDockerdAnswersOnItsOwnSocketWithDocker0InItsNamespace() {
        for (String host : HOSTS) {
            Path socket = LAB.lab().dockerSocket(host);
            assertThat(socket).isEqualTo(LabDockerd.socket(LAB.lab().stateDir(), host));
            assertThat(LabDockerd.ping(socket)).as(host).isTrue();
            assertThat(LAB.lab().host(host).dockerHost()).isEqualTo("unix://" + socket);
            assertThat(LAB.exec(host, "ip", "link", "show", "docker0").exitCode()).as("docker0 in " + host).isZero();
        }
        assertThat(docker("m1", "info", "--format", "{{.DockerRootDir}}").stdout().strip())
                .isEqualTo(LabDockerd.dir(LAB.lab().stateDir(), "m1").resolve("data").toString());
        assertThat(RUNNER.run(List.of("ip", "link", "show", "docker0")).ok()).as("docker0 in the root namespace").isFalse();
        assertThat(LAB.lab().host("client").runsDocker()).isFalse();
    }

    @Test
    @Order(2)
    void statusShowsEveryDockerdAndItsSocket() {
        LabStatus s = LAB.lab().status();
        assertThat(s.dockerds()).extracting(LabStatus.Dockerd::host).containsExactly("m1", "w1");
        assertThat(s.dockerds()).allMatch(d -> d.running() && d.answering());
        assertThat(s.healthy()).isTrue();
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("lab", "status", "--name", LAB.name())).isZero();
        assertThat(out.toString()).contains(LAB.lab().dockerSocket("w1").toString()).contains("dockerds: 2 of 2 answering");
    }

    @Test
    @Order(3)
    void bothImagesAreOnBothHosts() {
        for (String host : HOSTS) {
            docker(host, "image", "inspect", LabImages.ECHO, LabImages.NGINX);
        }
    }

    @Test
    @Order(4)
    void echoContainerAnswersWithItsTaskNameAndAddresses() {
        docker("m1", "run", "-d", "--name", "echo1", "-e", "SWARMNET_TASK_NAME=web.1", LabImages.ECHO);
        String line = awaitOutput(() -> LAB.docker("m1", "exec", "echo1", "wget", "-qO-", "http://127.0.0.1/"), "web.1 ");
        assertThat(line).matches("web\\.1 127\\.0\\.0\\.1:80 client=127\\.0\\.0\\.1:[0-9]+\n");
        String headers = LAB.docker("m1", "exec", "echo1", "wget", "-S", "-qO-", "http://127.0.0.1/").stderr();
        assertThat(headers).contains("X-Task: web.1");
    }

    @Test
    @Order(5)
    void plainBridgeContainerReachesTheLabsInternet() {
        // busybox 1.35's 'wget -T' crashes; its 'timeout' bounds the attempt instead.
        String line = awaitOutput(() -> LAB.docker("w1", "run", "--rm", LabImages.ECHO, "timeout", "5", "wget", "-qO-",
                INTERNET_URL), "internet ");
        // Docker's own masquerade in w1's namespace: the internet sees the host's underlay address.
        assertThat(line).startsWith("internet " + LabHost.INTERNET_ADDRESS + ":80 client=" + LAB.address("w1") + ":");
    }

    @Test
    @Order(6)
    void nginxProxiesToTheUpstreamItResolvesThroughDockersResolver() {
        docker("w1", "network", "create", "app");
        docker("w1", "run", "-d", "--network", "app", "--name", "api", "-e", "PORT=8080", "-e", "SWARMNET_TASK_NAME=api.1",
                LabImages.ECHO);
        docker("w1", "run", "-d", "--network", "app", "--name", "web", "-e", "UPSTREAM=api:8080", LabImages.NGINX);
        assertThat(docker("w1", "exec", "web", "cat", "/etc/resolv.conf").stdout()).contains("nameserver 127.0.0.11");
        String line = awaitOutput(() -> LAB.docker("w1", "exec", "web", "wget", "-qO-", "http://127.0.0.1/"), "api.1 ");
        assertThat(line).startsWith("api.1 " + ip("w1", "api") + ":8080 client=" + ip("w1", "web") + ":");
        docker("w1", "run", "-d", "--name", "static", LabImages.NGINX);
        assertThat(awaitOutput(() -> LAB.docker("w1", "exec", "static", "wget", "-qO-", "http://127.0.0.1/"), "swarmnet"))
                .isEqualTo("swarmnet nginx\n");
    }

    @Test
    @Order(7)
    void imageLoadPutsADockerSaveTarballOnEveryHost() {
        Path saved = tmp.resolve("saved.tar");
        docker("m1", "tag", LabImages.ECHO, "lab/saved:1");
        docker("m1", "save", "-o", saved.toString(), "lab/saved:1");
        docker("m1", "rmi", "lab/saved:1");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("lab", "image", "load", "--name", LAB.name(), saved.toString())).isZero();
        assertThat(out.toString().strip()).isEqualTo("loaded lab/saved:1 on m1, w1");
        for (String host : HOSTS) {
            docker(host, "image", "inspect", "lab/saved:1");
        }
    }

    @Test
    @Order(8)
    void imageLoadSaysWhatIsWrongWithTheFile() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.tar"), "not a tarball\n");
        assertThat(cliError("lab", "image", "load", "--name", LAB.name(), garbage.toString()))
                .startsWith("swarmnet: error: docker load of " + garbage + " into m1 failed: ");
        assertThat(cliError("lab", "image", "load", "--name", LAB.name(), tmp.resolve("absent.tar").toString()))
                .isEqualTo("swarmnet: error: no such file: " + tmp.resolve("absent.tar"));
    }

    private static String cliError(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute(args)).isEqualTo(1);
        return err.toString().strip();
    }

    @Test
    @Order(9)
    void downStopsEveryDockerProcessAndLeavesNoCgroupMountOrNamespace() {
        // Containers still running: down must remove them, not only stop the daemons.
        List<ProcessRef> docker = new ArrayList<>();
        for (String host : HOSTS) {
            for (String pid : RUNNER.check("ip", "netns", "pids", LAB.namespace(host)).split("\n")) {
                if (!pid.isBlank()) {
                    ProcessRef.of(Long.parseLong(pid.strip())).ifPresent(docker::add);
                }
            }
        }
        for (String container : List.of("echo1", "api", "web")) {
            String host = container.equals("echo1") ? "m1" : "w1";
            long pid = Long.parseLong(docker(host, "inspect", "-f", "{{.State.Pid}}", container).stdout().strip());
            ProcessRef.of(pid).ifPresent(docker::add);
        }
        assertThat(docker).hasSizeGreaterThan(6);
        Path stateDir = LAB.lab().stateDir();
        // m1's dockerd crashes, leaving its containerd, shim and echo1 behind: down must
        // find them all the same, by namespace and by cgroup.
        LabState.Daemon m1 = LabState.read(stateDir).orElseThrow().processes().stream()
                .filter(d -> d.kind().equals("dockerd") && d.host().equals("m1")).findFirst().orElseThrow();
        ProcessHandle.of(m1.pid()).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (m1.ref().alive() && System.nanoTime() - deadline < 0) {
            EtcdCluster.sleep(50);
        }
        assertThat(m1.ref().alive()).isFalse();

        DownReport r = LAB.lab().down();

        assertThat(r.problems()).isEmpty();
        assertThat(docker).noneMatch(ProcessRef::alive);
        for (Path hierarchy : CgroupMounts.ofThisMachine().hierarchies()) {
            for (String host : HOSTS) {
                assertThat(hierarchy.resolve(LabDockerd.cgroupParent(LAB.name(), host))).doesNotExist();
            }
        }
        assertThat(LabDockerd.mountsUnder(stateDir)).isEmpty();
        assertThat(stateDir).doesNotExist();
        assertThat(RUNNER.check("ip", "netns", "list")).doesNotContain(LAB.name() + "-");
    }
}
