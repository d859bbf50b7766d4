package io.swarmnet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A tiny real run of the lab runner: one repetition of one second, on a lab of its own. */
@Tag("privileged")
class BenchSmokeTest {

    @Test
    void overlayScenarioMeasuresSwarmnetAndTheKernelAnchorAndRemovesItsLab(@TempDir Path results) throws Exception {
        String lab = labName();
        Bench bench = new Bench();
        int rc = bench.run("overlay-tcp", "--reps", "1", "--seconds", "1", "--lab", lab, "--results", results.toString());

        String printed = bench.printed();
        assertThat(rc).as(printed).isZero();
        assertThat(printed).contains("kernel-vxlan (anchor)").doesNotContain("Not measured");
        JsonNode throughput = metric(results, "overlay-tcp", "throughput");
        assertThat(throughput.path("variants").path("kernel-vxlan").path("median").asDouble())
                .as("kernel vxlan Gbit/s").isGreaterThan(0.1);
        assertThat(throughput.path("variants").path("swarmnet").path("median").asDouble())
                .as("swarmnet Gbit/s").isGreaterThan(0.1);
        assertThat(throughput.path("ratio").isNumber()).as("ratio").isTrue();

        Process ls = new ProcessBuilder("ip", "netns", "list").start();
        String namespaces = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(namespaces).doesNotContain(lab + "-");
    }

    @Test
    void dataPathCpusPlaceTheAgentsLoopsAndThePingOnThoseCpusAndSaySo(@TempDir Path results) throws Exception {
        String lab = labName();
        Bench bench = new Bench();
        List<String> loopCpus = new ArrayList<>();
        try {
            int rc = bench.run("overlay-rtt", "--reps", "1", "--seconds", "1", "--warmup", "0", "--data-path-cpus", "0",
                    "--lab", lab, "--results", results.toString(), "--keep-lab");
            assertThat(rc).as(bench.printed()).isZero();
            loopCpus.addAll(vtepLoopCpus(lab));
        } finally {
            io.swarmnet.cli.Main.commandLine().execute("lab", "down", "--name", lab);
        }

        String printed = bench.printed();
        assertThat(loopCpus).as("Cpus_allowed_list of the agents' VTEP loops").containsExactly("0", "0", "0");
        assertThat(printed).contains("- placement: the agents' data path, ping and iperf3 on CPUs 0 (--data-path-cpus)");
        JsonNode avg = metric(results, "overlay-rtt", "rtt-avg");
        assertThat(avg.path("variants").path("kernel-vxlan").path("median").asDouble()).isPositive();
        assertThat(avg.path("variants").path("swarmnet").path("median").asDouble()).isPositive();
    }

    private static String labName() {
        return "bs" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    }

    /** The bench command line, its output and errors into one buffer. */
    private static final class Bench {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CommandLine cl;

        Bench() {
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            cl = BenchMain.commandLine(out);
            cl.setErr(new PrintWriter(out, true));
        }

        int run(String... args) {
            return cl.execute(args);
        }

        String printed() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** One metric of the JSON report the run wrote for {@code scenario}. */
    private static JsonNode metric(Path results, String scenario, String metric) throws IOException {
        Path json;
        try (var files = Files.list(results)) {
            json = files.filter(p -> p.toString().endsWith("-" + scenario + ".json")).findFirst().orElseThrow();
        }
        return new ObjectMapper().readTree(json.toFile()).path("metrics").path(metric);
    }

    /** Cpus_allowed_list of the VTEP loop thread of each of the lab's agents. */
    private static List<String> vtepLoopCpus(String lab) throws IOException {
        List<String> cpus = new ArrayList<>();
        List<Path> agents = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (argv.contains("--hostname\0" + lab + "-")) {
                        agents.add(proc);
                    }
                } catch (IOException ended) {
                    // The process ended while /proc was read.
                }
            }
        }
        for (Path agent : agents) {
            try (var tasks = Files.list(agent.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    if (Files.readString(task.resolve("comm")).startsWith("swarmnet-vtep")) {
                        Files.readAllLines(task.resolve("status")).stream()
                                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                                .forEach(l -> cpus.add(l.substring(l.indexOf(':') + 1).strip()));
                    }
                }
            }
        }
        return cpus;
    }

    @Test
    void aBadCpuListIsOneLineAndExitOneBeforeAnyLab() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BenchMain.commandLine(new PrintStream(new ByteArrayOutputStream()));
        cl.setErr(new java.io.PrintWriter(err, true));
        assertThat(cl.execute("overlay-rtt", "--data-path-cpus", "2-1", "--lab", "nosuchlab")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("swarmnet: error: invalid --data-path-cpus: CPU list '2-1': range 2-1 ends below its start");
    }

    @Test
    void unknownScenarioIsOneLineAndExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BenchMain.commandLine(new PrintStream(new ByteArrayOutputStream()));
        cl.setErr(new java.io.PrintWriter(err, true));
        assertThat(cl.execute("no-such")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("swarmnet: error: unknown scenario 'no-such'; known: overlay-tcp, overlay-udp, overlay-rtt, control-latency, egress, mesh-http, vip-http, dns, task-start");
    }
}
