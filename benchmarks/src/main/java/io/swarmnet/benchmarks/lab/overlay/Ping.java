package io.swarmnet.benchmarks.lab.overlay;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Round-trip times of a fast ping (one echo request every 2 ms) between two namespaces. */
final class Ping {
    /** Requests per second: {@code ping -i 0.002}, the fastest interval ping allows root without flooding. */
    static final int RATE = 500;
    /** The first replies include neighbour resolution and cold caches; they are not counted. */
    static final int WARM_UP = 20;
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");

    private Ping() {
    }

    /** Mean, median and 99th percentile round trip in microseconds. */
    record Rtt(double avgMicros, double p50Micros, double p99Micros) {
    }

    static Rtt rtt(LabHosts lab, String clientNs, String serverIp, int seconds) throws Exception {
        int count = WARM_UP + RATE * seconds;
        // -w: on a loaded host ping itself falls behind its interval; it stops at the
        // deadline with what it has rather than be killed with nothing. It then exits 1,
        // which is no failure here: parse() asks for enough replies.
        String ping = "ping -n -i 0.002 -W 1 -w " + (seconds + 10) + " -c " + count + " " + serverIp + " || true";
        String out = lab.exec(clientNs, Duration.ofSeconds(seconds + 30L), lab.workload("sh", "-c", ping));
        return parse(out);
    }

    static Rtt parse(String out) throws IOException {
        List<Double> times = new ArrayList<>();
        Matcher m = TIME.matcher(out);
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)) * 1000);
        }
        if (times.size() <= WARM_UP) {
            throw new IOException("ping got " + times.size() + " replies: " + out.lines().reduce((a, b) -> b).orElse(""));
        }
        double[] v = times.subList(WARM_UP, times.size()).stream().mapToDouble(Double::doubleValue).toArray();
        double avg = Arrays.stream(v).average().orElseThrow();
        Arrays.sort(v);
        return new Rtt(avg, v[v.length / 2], v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)]);
    }
}
