package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;

/**
 * Service discovery throughput and latency from inside a task: dnsperf against the
 * embedded resolver at 127.0.0.11 and against dnsmasq (the anchor, a small C resolver)
 * serving the same names from the same task namespace at 127.0.0.12.
 */
public final class DnsScenario implements Scenario {
    public static final String NAME = "dns";
    static final Metric QPS = new Metric("qps", "queries/s", true);
    static final Metric LOST = new Metric("lost", "queries", false);
    static final Metric P99 = new Metric("p99", "ms", false);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "dnsperf (UDP, 100 outstanding) in a task for a service's names (VIP, tasks., two task names) after a "
                + DnsPerf.WARM_UP_SECONDS + " s warm-up: peak queries/s, lost, and p99 at " + DnsPerf.LATENCY_RATE
                + " queries/s; swarmnet's resolver at 127.0.0.11 against dnsmasq with the same names at 127.0.0.12.";
    }

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(QPS, LOST, P99);
    }

    @Override
    public List<Variant> variants() {
        BenchService service = new BenchService();
        return List.of(new DnsmasqVariant(service), new SwarmnetDnsVariant(service));
    }
}
