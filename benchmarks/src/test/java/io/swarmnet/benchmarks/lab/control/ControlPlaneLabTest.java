package io.swarmnet.benchmarks.lab.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.benchmarks.lab.CliLab;
import io.swarmnet.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin client on a lab of 3 managers (a 3-member etcd) and 2 workers: a
 * {@link TablesProbe} in every host namespace plays that host's agent, a
 * {@link ChangeWriter} in the client namespace commits numbered changes.
 */
@Tag("privileged")
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneLabTest {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneLabTest.class);
    private static final List<String> HOSTS = List.of("m1", "m2", "m3", "w1", "w2");
    private static final Duration START = Duration.ofSeconds(60);
    private static final int UPDATES = 200;
    /** The lab's agents run with the agent's default --node-ttl. */
    private static final Duration AGENT_TTL = Duration.ofSeconds(10);

    private static CliLab lab;
    private static String store;

    @BeforeAll
    static void up() {
        String name = "cw" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        lab = CliLab.up(name, 3, 2, 1500);
        store = WatchVariant.storeUrl(lab, HOSTS);
    }

    @AfterAll
    static void down() throws IOException {
        if (lab != null) {
            lab.close();
            Process ls = new ProcessBuilder("ip", "netns", "list").start();
            assertThat(new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).doesNotContain(lab.name() + "-");
        }
    }

    private static Map<String, LabProcess> probes(List<String> hosts, String... extra) throws Exception {
        Map<String, LabProcess> probes = new LinkedHashMap<>();
        for (String host : hosts) {
            List<String> args = new ArrayList<>(List.of("--store", store, "--address", lab.address(host), "--mode", "tables"));
            args.addAll(List.of(extra));
            probes.put(host, LabProcess.java(lab.namespace(host), TablesProbe.class, args));
        }
        for (LabProcess p : probes.values()) {
            p.await("ready", START);
        }
        return probes;
    }

    private static void closeAll(Map<String, LabProcess> probes) throws InterruptedException {
        for (LabProcess p : probes.values()) {
            p.close();
        }
    }

    @Test
    @Order(1)
    void everyAgentSeesEveryUpdateOnceInOrderWhileTheEtcdLeaderIsKilled() throws Exception {
        Map<String, LabProcess> probes = probes(HOSTS, "--log-changes");
        try (LabProcess writer = LabProcess.java(lab.namespace("client"), ChangeWriter.class,
                List.of("--store", store, "--run", "leader", "--count", Integer.toString(UPDATES), "--pace-ms", "10"))) {
            writer.await("commit", UPDATES / 4, START);
            String leader = Lab.open(lab.name()).etcdLeader().orElseThrow();
            long pid = pidIn(leader, "etcd", "etcd");
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            LOG.info("killed etcd leader {} (PID {}) after {} of {} updates", leader, pid, UPDATES / 4, UPDATES);

            String digest = writer.await("digest", Duration.ofSeconds(120));
            List<String> commits = writer.lines("commit");
            List<String> ids = IntStream.rangeClosed(1, UPDATES).mapToObj(n -> BenchRecords.changeId("leader", n)).toList();
            List<Long> revisions = commits.stream().map(l -> Long.parseLong(l.split(" ")[4])).toList();
            for (Map.Entry<String, LabProcess> e : probes.entrySet()) {
                LabProcess probe = e.getValue();
                probe.send("digest " + digest.split(" ")[1]);
                assertThat(probe.await("digest", Duration.ofSeconds(40)))
                        .as("%s ends identical to etcd", e.getKey()).isEqualTo(digest);
                List<String[]> added = probe.lines("change").stream().map(l -> l.split(" "))
                        .filter(f -> f[3].startsWith(BenchRecords.CHANGE_PREFIX + "leader-")).toList();
                assertThat(added).as("%s: every update once, in order, as added", e.getKey())
                        .extracting(f -> f[3]).containsExactlyElementsOf(ids);
                assertThat(added).extracting(f -> f[4]).containsOnly("ADDED");
                assertThat(added).as("%s: at the commit revisions", e.getKey())
                        .extracting(f -> Long.parseLong(f[1])).containsExactlyElementsOf(revisions);
            }
        } finally {
            closeAll(probes);
        }
    }

    @Test
    @Order(2)
    void aCrashedAgentsNodeTurnsDownAndLeavesEveryOtherNodesBackendsWithinTtlPlusOneSecond() throws Exception {
        Map<String, LabProcess> probes = probes(HOSTS);
        try (LabProcess writer = LabProcess.java(lab.namespace("client"), ChangeWriter.class,
                List.of("--store", store, "--run", "lease", "--count", "1"))) {
            writer.await("done", START);
            // The probe on w2 found w2's node by its address; the writer put an anchor task on it.
            String anchor = BenchRecords.ANCHOR_PREFIX + probes.get("w2").lines("ready").get(0).split(" ")[1];
            Map<String, LabProcess> others = new LinkedHashMap<>(probes);
            others.remove("w2");
            for (LabProcess p : others.values()) {
                awaitLine(p, "seen " + anchor + " ");
            }
            long pid = pidIn("w2", "java", "io.swarmnet.cli.Main");
            long killed = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            long slowest = 0;
            for (LabProcess p : others.values()) {
                String gone = awaitLine(p, "gone " + anchor + " ");
                slowest = Math.max(slowest, Long.parseLong(gone.split(" ")[2]) - killed);
            }
            Duration took = Duration.ofNanos(slowest);
            LOG.info("w2's task left every other node's backends {} ms after its agent was killed (node TTL {} s)",
                    took.toMillis(), AGENT_TTL.toSeconds());
            assertThat(took).isLessThanOrEqualTo(AGENT_TTL.plusSeconds(1));
        } finally {
            closeAll(probes);
        }
    }

    private static String awaitLine(LabProcess p, String start) throws Exception {
        long deadline = System.nanoTime() + AGENT_TTL.plusSeconds(20).toNanos();
        while (true) {
            for (String l : p.lines(start.split(" ")[0])) {
                if (l.startsWith(start)) {
                    return l;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(p.describe() + " printed no line starting '" + start + "'");
            }
            Thread.sleep(20);
        }
    }

    /** The PID of the process in {@code host}'s namespace whose name is {@code comm} and command line mentions {@code marker}. */
    private static long pidIn(String host, String comm, String marker) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "pids", lab.namespace(host)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            long pid = Long.parseLong(line.trim());
            Path proc = Path.of("/proc", Long.toString(pid));
            try {
                String name = Files.readString(proc.resolve("comm")).trim();
                String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                if (name.equals(comm) && cmdline.contains(marker)) {
                    return pid;
                }
            } catch (IOException gone) {
                // Exited while we looked.
            }
        }
        throw new AssertionError("no " + comm + " process with '" + marker + "' in " + lab.namespace(host));
    }
}
