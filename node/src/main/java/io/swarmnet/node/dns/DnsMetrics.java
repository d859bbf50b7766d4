package io.swarmnet.node.dns;

import static io.swarmnet.node.metrics.CallbackMetrics.counter;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.swarmnet.dns.DnsCounters;

/**
 * Exports the resolver's counters on the agent's /metrics, read at scrape time. Labels
 * are bounded: six query types times seven response codes.
 */
public final class DnsMetrics {
    private DnsMetrics() {
    }

    /** Registers the resolver's metrics. */
    public static void register(PrometheusRegistry registry, TaskResolvers resolvers) {
        DnsCounters counters = resolvers.counters();
        CounterWithCallback.builder()
                .name("swarmnet_dns_queries")
                .help("Queries the embedded resolver answered, by query type and response code")
                .labelNames("type", "rcode")
                .callback(cb -> {
                    for (DnsCounters.QueryType type : DnsCounters.QueryType.values()) {
                        for (int r = 0; r < DnsCounters.RCODES.length; r++) {
                            cb.call(counters.queries(type, r), type.label(), DnsCounters.RCODES[r]);
                        }
                    }
                })
                .register(registry);
        counter(registry, "swarmnet_dns_forwarded", "Queries sent to the upstream resolvers", counters::forwarded);
        counter(registry, "swarmnet_dns_upstream_failures",
                "Upstream attempts that timed out, failed or answered SERVFAIL or REFUSED", counters::upstreamFailures);
        counter(registry, "swarmnet_dns_forward_rejected",
                "Queries answered SERVFAIL because the bound on forwarded queries in flight was reached",
                counters::forwardRejected);
        counter(registry, "swarmnet_dns_malformed_dropped",
                "Inputs dropped unanswered: shorter than a DNS header, or a response rather than a query",
                counters::malformed);
        counter(registry, "swarmnet_dns_truncated", "UDP answers cut to the client's size with TC set", counters::truncated);
        GaugeWithCallback.builder()
                .name("swarmnet_dns_endpoints")
                .help("Tasks with the embedded resolver at 127.0.0.11")
                .callback(cb -> cb.call(resolvers.endpoints()))
                .register(registry);
        double[] bounds = new double[DnsCounters.LATENCY_BOUNDS.length + 1];
        System.arraycopy(DnsCounters.LATENCY_BOUNDS, 0, bounds, 0, DnsCounters.LATENCY_BOUNDS.length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        registry.register(() -> {
            long[] buckets = new long[bounds.length];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = counters.latencyBucket(i);
            }
            return HistogramSnapshot.builder()
                    .name("swarmnet_dns_latency_seconds")
                    .help("Time from a query's arrival to its answer, forwarded queries included")
                    .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, buckets))
                            .sum(counters.latencySumSeconds())
                            .build())
                    .build();
        });
    }
}
