package io.swarmnet.benchmarks.lab.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs one iperf3 TCP test between two namespaces and reads the receiver's throughput. */
public final class Iperf3 {
    private Iperf3() {
    }

    /** Receiver-side throughput in Gbit/s of a {@code seconds}-long test from {@code clientNs} to {@code serverIp}. */
    public static double tcpGbits(LabHosts lab, String serverNs, String clientNs, String serverIp, int seconds)
            throws Exception {
        Process server = new ProcessBuilder("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-B", serverIp)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Duration timeout = Duration.ofSeconds(seconds + 20L);
            // The server needs a moment to listen (longer on a loaded machine). iperf3 -J may
            // report a refused connect in its JSON with exit 0, so retry on either form
            // until a deadline rather than sleep blindly.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            IOException last = null;
            while (System.nanoTime() < deadline) {
                if (!server.isAlive()) {
                    throw new IOException("iperf3 server in " + serverNs + " exited with " + server.exitValue());
                }
                try {
                    String json = lab.exec(clientNs, timeout, "iperf3", "-c", serverIp, "-t",
                            Integer.toString(seconds), "-J");
                    return parseReceivedGbits(json);
                } catch (IOException e) {
                    if (!isConnectFailure(e)) {
                        throw e;
                    }
                    last = e;
                    Thread.sleep(200);
                }
            }
            throw new IOException("iperf3 to " + serverIp + " never connected"
                    + (last == null ? "" : ": " + last.getMessage()), last);
        } finally {
            server.destroy();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static boolean isConnectFailure(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("unable to connect") || m.contains("Connection refused");
    }

    static double parseReceivedGbits(String json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode bps = root.path("end").path("sum_received").path("bits_per_second");
        if (!bps.isNumber()) {
            throw new IOException("iperf3 gave no end.sum_received.bits_per_second: "
                    + root.path("error").asText("unexpected output"));
        }
        return bps.asDouble() / 1e9;
    }
}
