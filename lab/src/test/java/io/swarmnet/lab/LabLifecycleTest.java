package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.cli.Main;
import io.swarmnet.node.task.ProcessRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Labs come and go without leaving anything behind: also after a crash, a kill, or a failed up. */
@Tag("privileged")
@Timeout(90)
class LabLifecycleTest {
    private final List<String> labs = new ArrayList<>();

    @AfterEach
    void removeEveryLabThisTestMade() {
        labs.forEach(Lab::down);
    }

    private String newName() {
        String name = LabExtension.randomName();
        labs.add(name);
        return name;
    }

    private static LabSpec small(String name) {
        return LabSpec.builder().name(name).managers(1).workers(1).agents(false).build();
    }

    private static List<ProcessRef> daemons(String name) {
        return LabState.read(LabSpec.DEFAULT_STATE_ROOT.resolve(name)).orElseThrow()
                .processes().stream().map(LabState.Daemon::ref).toList();
    }

    private static void assertNothingLeft(String name, List<ProcessRef> processes) {
        assertThat(LabTeardown.existingNamespaces(name)).as("namespaces").isEmpty();
        assertThat(LabTeardown.existingEtcNetns(name)).as("/etc/netns entries").isEmpty();
        assertThat(Files.exists(LabSpec.DEFAULT_STATE_ROOT.resolve(name))).as("state dir").isFalse();
        assertThat(processes).as("processes").noneMatch(ProcessRef::alive);
    }

    private static Process labUpProcess(String name) throws Exception {
        return new ProcessBuilder(AgentFleet.java(), "-cp", AgentFleet.classpath(), AgentFleet.MAIN_CLASS,
                "lab", "up", "--name", name, "--managers", "3", "--workers", "2", "--no-agents")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitNamespace(Process up, String namespace) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(Path.of("/run/netns", namespace)) && System.nanoTime() < deadline && up.isAlive()) {
            Thread.sleep(5);
        }
        assertThat(up.isAlive()).as("lab up still building").isTrue();
        assertThat(Path.of("/run/netns", namespace)).exists();
    }

    @Test
    void twoLabsCoexistWithTheSameAddresses() {
        try (Lab a = Lab.up(small(newName())); Lab b = Lab.up(small(newName()))) {
            assertThat(a.address("w1")).isEqualTo(b.address("w1"));
            assertThat(a.exec("client", "ping", "-c1", "-W2", a.address("w1")).exitCode()).isZero();
            assertThat(b.exec("client", "ping", "-c1", "-W2", b.address("w1")).exitCode()).isZero();
            // Each lab's etcd holds its own data.
            String ep = "--endpoints=" + a.etcdEndpoints().get(0);
            assertThat(a.exec("w1", "etcdctl", ep, "put", "/who", a.name()).exitCode()).isZero();
            assertThat(b.exec("w1", "etcdctl", ep, "put", "/who", b.name()).exitCode()).isZero();
            assertThat(a.exec("m1", "etcdctl", ep, "get", "--print-value-only", "/who").stdout().strip()).isEqualTo(a.name());

            List<ProcessRef> aDaemons = daemons(a.name());
            assertThat(a.down().clean()).isTrue();
            assertNothingLeft(a.name(), aDaemons);
            assertThat(b.status().healthy()).isTrue();
        }
    }

    @Test
    void downRemovesNamespacesProcessesEtcNetnsAndState() {
        String name = newName();
        Lab lab = Lab.up(small(name));
        List<ProcessRef> processes = new ArrayList<>(daemons(name));
        Process extra = lab.start("w1", "sleep", "60");
        processes.add(ProcessRef.of(extra.pid()).orElseThrow());
        assertThat(processes).allMatch(ProcessRef::alive);

        DownReport r = Lab.down(name);

        assertThat(r.existed()).isTrue();
        assertThat(r.clean()).isTrue();
        assertThat(r.namespaces()).hasSize(5);
        // etcd, the internet's dnsmasq and the extra sleep.
        assertThat(r.processesStopped()).isEqualTo(3);
        assertNothingLeft(name, processes);
    }

    @Test
    void downAlsoRemovesNamespacesMadeOnAHostAndWhatRunsInThem() throws Exception {
        String name = newName();
        Lab lab = Lab.up(small(name));
        String task = name + "-w1-task1";
        assertThat(new ProcessBuilder("ip", "netns", "add", task).start().waitFor()).isZero();
        Process sleeper = new ProcessBuilder("ip", "netns", "exec", task, "sleep", "60").start();
        ProcessRef ref = ProcessRef.of(sleeper.pid()).orElseThrow();

        DownReport r = lab.down();

        assertThat(r.namespaces()).contains(task);
        assertThat(Path.of("/run/netns", task)).doesNotExist();
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).as("process in the task namespace stopped").isTrue();
        assertThat(ref.alive()).isFalse();
    }

    @Test
    void downCleansUpAfterEtcdWasKilledAndTheStateLeftBehind() throws Exception {
        String name = newName();
        Lab lab = Lab.up(small(name));
        List<ProcessRef> processes = daemons(name);
        long etcd = processes.get(0).pid();
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(etcd)).start().waitFor()).isZero();
        assertThat(lab.status().etcd().healthy()).isFalse();

        assertThat(Lab.down(name).clean()).isTrue();
        assertNothingLeft(name, processes);
    }

    @Test
    void downCleansUpAfterLabUpWasKilledHalfWay() throws Exception {
        String name = newName();
        Process up = labUpProcess(name);
        try {
            awaitNamespace(up, name + "-m3");
        } finally {
            up.destroyForcibly();
            up.waitFor();
        }
        assertThat(LabTeardown.existingNamespaces(name)).isNotEmpty();
        List<ProcessRef> processes = LabState.read(LabSpec.DEFAULT_STATE_ROOT.resolve(name))
                .map(s -> s.processes().stream().map(LabState.Daemon::ref).toList()).orElse(List.of());

        DownReport r = Lab.down(name);

        assertThat(r.existed()).isTrue();
        assertThat(r.clean()).isTrue();
        assertNothingLeft(name, processes);
    }

    @Test
    void labUpStoppedWithSigtermRemovesWhatItBuiltByItself() throws Exception {
        String name = newName();
        Process up = labUpProcess(name);
        try {
            awaitNamespace(up, name + "-m2");
            up.destroy();
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("lab up exits on SIGTERM").isTrue();
        } finally {
            up.destroyForcibly();
        }
        assertThat(up.exitValue()).isNotZero();
        assertNothingLeft(name, List.of());
    }

    @Test
    void downFindsALabByItsNamespacesWhenTheStateIsGone() throws Exception {
        String name = newName();
        Lab.up(small(name));
        List<ProcessRef> processes = daemons(name);
        Files.delete(LabSpec.DEFAULT_STATE_ROOT.resolve(name).resolve(LabState.FILE));

        assertThat(Lab.down(name).clean()).isTrue();
        assertNothingLeft(name, processes);
    }

    @Test
    void failedUpRemovesWhatItCreatedAndQuotesTheLog(@TempDir Path dir) throws Exception {
        Path fakeEtcd = dir.resolve("etcd");
        Files.writeString(fakeEtcd, "#!/bin/sh\necho 'member refused to start' >&2\nexit 3\n");
        assertThat(fakeEtcd.toFile().setExecutable(true)).isTrue();
        String name = newName();

        assertThatThrownBy(() -> Lab.up(LabSpec.builder().name(name).agents(false).etcdBinary(fakeEtcd).build()))
                .isInstanceOf(LabException.class)
                .hasMessageStartingWith("lab up failed: etcd member m1 exited with code 3: member refused to start; "
                        + "removed what it had created; logs kept in /tmp/swarmnet-lab-" + name + "-");
        assertNothingLeft(name, List.of());
        try (var kept = Files.newDirectoryStream(Path.of("/tmp"), "swarmnet-lab-" + name + "-*")) {
            for (Path p : kept) {
                LabTeardown.deleteTree(p, new ArrayList<>());
            }
        }
    }

    @Test
    void downOfALabThatDoesNotExistSaysSoAndSucceeds() {
        String name = newName();
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("lab", "down", "--name", name)).isZero();
        assertThat(out.toString().strip()).isEqualTo("no lab named '" + name + "'; nothing to remove");
    }

    @Test
    void statusAndExecOfALabThatDoesNotExistFailWithOneLine() {
        String name = newName();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("lab", "status", "--name", name)).isEqualTo(1);
        assertThat(cl.execute("lab", "exec", "--name", name, "m1", "true")).isEqualTo(1);
        String expected = "swarmnet: error: no lab named '" + name + "'; start one with 'swarmnet lab up --name " + name + "'";
        assertThat(err.toString().strip().split("\n")).containsExactly(expected, expected);
    }
}
