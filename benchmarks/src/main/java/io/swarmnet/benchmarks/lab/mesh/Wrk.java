package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk from a namespace and reads requests per second and the 99th percentile latency. */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)\\b");

    /** One case's figures. */
    record Figures(double requestsPerSecond, double p99Millis) {
    }

    private Wrk() {
    }

    /**
     * {@code wrk -t1 -c64 --latency} for {@code seconds} against {@code url}; with
     * {@code close} every request carries {@code Connection: close}, so each is a new
     * connection, with 32 connections as ../shared/ANCHORS.md measured that case.
     */
    static Figures run(LabHosts lab, String namespace, String url, int seconds, boolean close) throws Exception {
        Duration timeout = Duration.ofSeconds(seconds + 30L);
        String out = close
                ? lab.exec(namespace, timeout, "wrk", "-t1", "-c32", "-d" + seconds + "s", "--latency",
                        "-H", "Connection: close", url)
                : lab.exec(namespace, timeout, "wrk", "-t1", "-c64", "-d" + seconds + "s", "--latency", url);
        return parse(out);
    }

    static Figures parse(String out) throws IOException {
        Matcher rps = RPS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IOException("wrk printed no Requests/sec or 99% latency: " + out.strip());
        }
        double value = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
        // A refused or failed request is fast: with errors, requests/s would flatter the variant.
        if (out.contains("Non-2xx or 3xx responses") || out.matches("(?s).*Socket errors: connect [1-9].*")) {
            throw new IOException("wrk saw failed requests: " + out.strip());
        }
        return new Figures(Double.parseDouble(rps.group(1)), millis);
    }
}
