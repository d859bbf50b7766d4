package io.swarmnet.node.daemon;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The agent's Prometheus registry: JVM metrics plus the agent's own. One registry per
 * agent rather than the global default, so agents in one JVM (tests) stay apart.
 */
final class AgentMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge nodeInfo;
    private final Counter leaseKeepAlives;

    AgentMetrics() {
        JvmMetrics.builder().register(registry);
        nodeInfo = Gauge.builder()
                .name("swarmnet_node_info")
                .help("Always 1; labels identify the node this agent runs")
                .labelNames("node_id", "hostname", "role")
                .register(registry);
        leaseKeepAlives = Counter.builder()
                .name("swarmnet_store_lease_keepalives_total")
                .help("Keep-alives of the node's store lease that the store answered")
                .register(registry);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    void nodeInfo(String nodeId, String hostname, String role) {
        nodeInfo.labelValues(nodeId, hostname, role).set(1);
    }

    void leaseKeptAlive() {
        leaseKeepAlives.inc();
    }
}
