package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs dnsperf in a namespace and reads its summary and, from its per-query lines, the 99th percentile. */
final class DnsPerf {
    private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");
    private static final Pattern LOST = Pattern.compile("Queries lost:\\s+([0-9]+)");
    // dnsperf -v: "> NOERROR benchdns A 0.000081"
    private static final Pattern LINE = Pattern.compile("^> \\S+ .* ([0-9]+\\.[0-9]+)$", Pattern.MULTILINE);

    private DnsPerf() {
    }

    static Map<String, Double> run(LabHosts lab, String namespace, String server, java.nio.file.Path queries, int seconds)
            throws Exception {
        String out = lab.exec(namespace, Duration.ofSeconds(seconds + 30), "dnsperf", "-s", server, "-d",
                queries.toString(), "-l", Integer.toString(seconds), "-q", "100", "-t", "2", "-v");
        return Map.of(DnsScenario.QPS.name(), number(QPS, out), DnsScenario.LOST.name(), number(LOST, out),
                DnsScenario.P99.name(), p99Millis(out));
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
