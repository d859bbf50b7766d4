package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;
import java.util.Map;

/**
 * HTTP through a node that runs no task to a 2-replica service on the two other hosts,
 * measured with wrk from the client namespace: through swarmnet's routing mesh, through
 * HAProxy ({@code mode tcp}, {@code balance roundrobin}, one thread; the anchor) and through
 * plain nftables DNAT ({@code numgen inc mod 2} and masquerade), each with keep-alive
 * connections and with {@code Connection: close}. All three reach the tasks over
 * swarmnet's overlay from the entry host's ingress endpoint, so they differ only in
 * how a connection is balanced.
 */
public final class MeshHttpScenario implements Scenario {
    public static final String NAME = "mesh-http";
    static final Metric RPS_KEEPALIVE = new Metric("rps-keepalive", "req/s", true);
    static final Metric P99_KEEPALIVE = new Metric("p99-keepalive", "ms", false);
    static final Metric RPS_CLOSE = new Metric("rps-close", "req/s", true);
    static final Metric P99_CLOSE = new Metric("p99-close", "ms", false);

    private final MeshBackends backends = new MeshBackends();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "wrk -t1 -c64 from the client to a host running no task of a 2-replica echo service on the two other"
                + " hosts: swarmnet's routing mesh (port " + MeshBackends.MESH_PORT + "), HAProxy mode tcp roundrobin"
                + " nbthread 1 (port " + HaproxyVariant.PORT + ") and nftables DNAT numgen + masquerade (port "
                + NftDnatVariant.PORT + "); keep-alive and 'Connection: close'.";
    }

    @Override
    public int workers() {
        return 2;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(RPS_KEEPALIVE, P99_KEEPALIVE, RPS_CLOSE, P99_CLOSE);
    }

    /** Anchor first; swarmnet last, so the report's ratio is swarmnet over HAProxy. */
    @Override
    public List<Variant> variants() {
        return List.of(new HaproxyVariant(backends), new NftDnatVariant(backends), new MeshVariant(backends));
    }

    /** Both cases against {@code host:port}, as the scenario's four figures. */
    static Map<String, Double> measure(LabHosts lab, String host, int port, int seconds, MeshLoad.PortLane lane)
            throws Exception {
        return MeshLoad.measure(lab, lab.namespace("client"), "http://" + lab.address(host) + ":" + port + "/", seconds,
                lane);
    }

    /** swarmnet's routing mesh: the service's own published port on the entry host. */
    static final class MeshVariant implements Variant {
        private final MeshBackends backends;

        MeshVariant(MeshBackends backends) {
            this.backends = backends;
        }

        @Override
        public String name() {
            return "swarmnet";
        }


        @Override
        public void setUp(LabHosts lab) throws Exception {
            backends.ensure(lab);
        }

        @Override
        public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
            return MeshHttpScenario.measure(lab, backends.entryHost(), MeshBackends.MESH_PORT, seconds,
                    MeshLoad.PortLane.MESH);
        }

        @Override
        public void tearDown(LabHosts lab) {
            // The service stays for the other variants; 'lab down' removes it.
        }
    }
}
