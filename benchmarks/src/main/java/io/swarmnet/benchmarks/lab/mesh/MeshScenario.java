package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;

/**
 * The routing mesh under HTTP load (issue #5): wrk in the client namespace against a node
 * that runs no backend, which forwards to nginx backends on the two other nodes; through
 * HAProxy {@code mode tcp} round-robin with one thread (the anchor), through nftables DNAT
 * {@code numgen inc mod 2} + masquerade, and through swarmnet's ingress mesh. Each with
 * keep-alive ({@code -c64}) and a new connection per request ({@code Connection: close},
 * {@code -c32}).
 */
public final class MeshScenario implements Scenario {
    public static final String NAME = "mesh-http";
    static final Metric RPS_KEEPALIVE = new Metric("keepalive-rps", "req/s", true);
    static final Metric P99_KEEPALIVE = new Metric("keepalive-p99", "ms", false);
    static final Metric RPS_CLOSE = new Metric("close-rps", "req/s", true);
    static final Metric P99_CLOSE = new Metric("close-p99", "ms", false);
    /** The node that runs no backend for the anchors; swarmnet's is wherever its scheduler left free. */
    static final String FRONT = "m1";
    static final List<String> BACKENDS = List.of("w1", "w2");
    static final int BACKEND_PORT = 8081;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "wrk from the client to a node without a backend, forwarding to nginx on two other nodes: HAProxy"
                + " mode tcp roundrobin (1 thread), nftables DNAT numgen + masquerade, and swarmnet's ingress mesh;"
                + " keep-alive -c64 and Connection: close -c32.";
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(RPS_KEEPALIVE, P99_KEEPALIVE, RPS_CLOSE, P99_CLOSE);
    }

    @Override
    public List<Variant> variants() {
        return List.of(new HaproxyVariant(), new NftDnatVariant(), new SwarmnetMeshVariant());
    }
}
