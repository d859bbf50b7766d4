package io.swarmnet.benchmarks.lab.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one iperf3 test (TCP, or UDP of small datagrams) between two namespaces and reads the receiver's side. */
public final class Iperf3 {
    private Iperf3() {
    }

    /** Receiver-side throughput in Gbit/s of a {@code seconds}-long test from {@code clientNs} to {@code serverIp}. */
    public static double tcpGbits(LabHosts lab, String serverNs, String clientNs, String serverIp, int seconds)
            throws Exception {
        return parseReceivedGbits(run(lab, serverNs, clientNs, serverIp, seconds));
    }

    /**
     * Datagrams of {@code payload} bytes sent as fast as iperf3 can ({@code -u -b 0}) for
     * {@code seconds}: the receiver's datagrams per second and the percentage lost.
     */
    static UdpResult udp(LabHosts lab, String serverNs, String clientNs, String serverIp, int seconds, int payload)
            throws Exception {
        return parseUdp(run(lab, serverNs, clientNs, serverIp, seconds, "-u", "-b", "0", "-l", Integer.toString(payload)),
                payload);
    }

    /** What the receiver of a UDP test saw. */
    record UdpResult(double packetsPerSecond, double lostPercent) {
    }

    private static String run(LabHosts lab, String serverNs, String clientNs, String serverIp, int seconds,
                              String... options) throws Exception {
        List<String> serverCmd = new ArrayList<>(List.of("ip", "netns", "exec", serverNs));
        serverCmd.addAll(List.of(lab.workload("iperf3", "-s", "-1", "-B", serverIp)));
        Process server = new ProcessBuilder(serverCmd)
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
                    List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", serverIp, "-t", Integer.toString(seconds), "-J"));
                    cmd.addAll(List.of(options));
                    String json = lab.exec(clientNs, timeout, lab.workload(cmd.toArray(String[]::new)));
                    JsonNode error = new ObjectMapper().readTree(json).path("error");
                    if (error.isTextual()) {
                        throw new IOException("iperf3: " + error.asText());
                    }
                    return json;
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

    static UdpResult parseUdp(String json, int payload) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode received = root.path("end").path("sum_received");
        if (!received.path("bytes").isNumber() || received.path("seconds").asDouble() <= 0) {
            throw new IOException("iperf3 gave no end.sum_received: " + root.path("error").asText("unexpected output"));
        }
        double packets = received.path("bytes").asDouble() / payload;
        return new UdpResult(packets / received.path("seconds").asDouble(), received.path("lost_percent").asDouble());
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
