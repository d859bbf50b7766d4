package io.swarmnet.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny real run of the lab runner: one repetition of one second, on a lab of its own. */
@Tag("privileged")
class BenchSmokeTest {

    @Test
    void overlayScenarioMeasuresSwarmnetAndTheKernelAnchorAndRemovesItsLab(@TempDir Path results) throws Exception {
        String lab = "bs" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        var cl = BenchMain.commandLine(out);
        cl.setErr(new java.io.PrintWriter(out, true));
        int rc = cl.execute("overlay-tcp", "--reps", "1", "--seconds", "1",
                "--lab", lab, "--results", results.toString());

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(printed).isZero();
        assertThat(printed).contains("kernel-vxlan (anchor)").doesNotContain("Not measured");
        Path json;
        try (var files = Files.list(results)) {
            json = files.filter(p -> p.toString().endsWith("-overlay-tcp.json")).findFirst().orElseThrow();
        }
        JsonNode throughput = new ObjectMapper().readTree(json.toFile()).path("metrics").path("throughput");
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
    void unknownScenarioIsOneLineAndExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = BenchMain.commandLine(new PrintStream(new ByteArrayOutputStream()));
        cl.setErr(new java.io.PrintWriter(err, true));
        assertThat(cl.execute("no-such")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("swarmnet: error: unknown scenario 'no-such'; known: overlay-tcp, overlay-udp, overlay-rtt, control-latency, egress, mesh-http, vip-http, dns");
    }
}
