package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs dnsperf in a namespace: first as fast as the server answers (100 queries
 * outstanding) for queries/s and losses, then at a fixed {@link #LATENCY_RATE} for the
 * 99th percentile of latency, read from dnsperf's per-query lines. At saturation p99 only
 * measures the client's queue (100 outstanding / rate), so latency is taken where both
 * servers keep up.
 */
final class DnsPerf {
    /** Queries per second for the latency run: well under what either server sustains here. */
    static final int LATENCY_RATE = 5_000;
    /** Seconds of load before the measurement, so the JIT has compiled the query path. */
    static final int WARM_UP_SECONDS = 2;
    private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");
    private static final Pattern LOST = Pattern.compile("Queries lost:\\s+([0-9]+)");
    // dnsperf -v: "> NOERROR benchdns A 0.000081"
    private static final Pattern LINE = Pattern.compile("^> \\S+ .* ([0-9]+\\.[0-9]+)$", Pattern.MULTILINE);

    private DnsPerf() {
    }

    static Map<String, Double> run(LabHosts lab, String namespace, String server, java.nio.file.Path queries, int seconds)
            throws Exception {
        String peak = lab.exec(namespace, Duration.ofSeconds(seconds + 30), "dnsperf", "-s", server, "-d",
                queries.toString(), "-l", Integer.toString(seconds), "-q", "100", "-t", "2");
        String paced = lab.exec(namespace, Duration.ofSeconds(seconds + 30), "dnsperf", "-s", server, "-d",
                queries.toString(), "-l", Integer.toString(seconds), "-q", "100", "-t", "2",
                "-Q", Integer.toString(LATENCY_RATE), "-v");
        return Map.of(DnsScenario.QPS.name(), number(QPS, peak),
                DnsScenario.LOST.name(), number(LOST, peak) + number(LOST, paced),
                DnsScenario.P99.name(), p99Millis(paced));
    }

    /** Load that is not measured: the JVM's JIT compiles the resolver's query path meanwhile. */
    static void warmUp(LabHosts lab, String namespace, String server, java.nio.file.Path queries) throws Exception {
        lab.exec(namespace, Duration.ofSeconds(WARM_UP_SECONDS + 30), "dnsperf", "-s", server, "-d", queries.toString(),
                "-l", Integer.toString(WARM_UP_SECONDS), "-q", "100", "-t", "2");
    }

    static double p99Millis(String out) {
        List<Double> latencies = new ArrayList<>();
        Matcher m = LINE.matcher(out);
        while (m.find()) {
            latencies.add(Double.parseDouble(m.group(1)));
        }
        if (latencies.isEmpty()) {
            throw new IllegalStateException("dnsperf printed no per-query latencies");
        }
        Collections.sort(latencies);
        return latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) * 1000;
    }

    private static double number(Pattern p, String out) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("dnsperf printed no '" + p.pattern() + "': "
                    + out.substring(Math.max(0, out.length() - 500)));
        }
        return Double.parseDouble(m.group(1));
    }
}
