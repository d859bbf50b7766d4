package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk in a namespace and reads requests/s and the 99th percentile latency. */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\n\\s*99%\\s+([0-9.]+)(us|ms|s)\\b");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** One wrk run's figures. */
    record Figures(double requestsPerSecond, double p99Millis, long socketErrors) {
    }

    private Wrk() {
    }

    /**
     * {@code wrk -t1 -c<connections> -d<seconds>s --latency url}, with {@code Connection: close}
     * when {@code close}; fails when any answer was not 2xx or 3xx (a broken balancer).
     */
    static Figures run(LabHosts lab, String namespace, String url, int connections, boolean close, int seconds)
            throws Exception {
        String out = close
                ? lab.exec(namespace, Duration.ofSeconds(seconds + 30L), "wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                        "--latency", "-H", "Connection: close", url)
                : lab.exec(namespace, Duration.ofSeconds(seconds + 30L), "wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                        "--latency", url);
        return parse(out);
    }

    static Figures parse(String out) throws IOException {
        Matcher bad = NON_2XX.matcher(out);
        if (bad.find() && Long.parseLong(bad.group(1)) > 0) {
            throw new IOException("wrk got " + bad.group(1) + " answers that were not 2xx or 3xx:\n" + out);
        }
        Matcher rps = RPS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IOException("wrk printed no Requests/sec or 99% latency:\n" + out);
        }
        double value = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
        long errors = 0;
        Matcher e = SOCKET_ERRORS.matcher(out);
        if (e.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(e.group(i));
            }
        }
        return new Figures(Double.parseDouble(rps.group(1)), millis, errors);
    }
}
