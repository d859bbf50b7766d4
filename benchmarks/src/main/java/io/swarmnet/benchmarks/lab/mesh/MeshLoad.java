package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/** The two wrk runs of the mesh and VIP scenarios, keep-alive and new-connection, as their four figures. */
final class MeshLoad {
    private MeshLoad() {
    }

    /**
     * The client ports a variant's connections come from. Variants that reach the same
     * backends from the same address must not share ports: a backend keeps each closed
     * connection in TIME_WAIT for 60 s, and a SYN on the same 4-tuple is accepted only if
     * its TCP timestamp is newer (PAWS). The entry host's masquerade keeps the client's
     * port, but another variant's connections (HAProxy's own, from the ingress address;
     * the mesh's, counted by the kernel against the VIP rather than the task) carry
     * another timestamp clock, so a collision drops the SYN and wrk waits out a 1 s
     * retransmission. Seen here: the mesh's close case at 0.75k requests/s right after
     * the HAProxy variant (PAWSTimewait in the backend, SynRetrans in the client), and
     * 5.9k after a minute's pause. Disjoint ranges make the order of variants irrelevant.
     */
    record PortLane(int low, int high) {
        /**
         * For variants whose connections end at a proxy on the entry host (HAProxy's side
         * toward the backends uses the host's own ports, 32768-60999).
         */
        static final PortLane PROXIED = new PortLane(33000, 60999);
        /** For the nftables DNAT variant. */
        static final PortLane NFT = new PortLane(1024, 16999);
        /** For swarmnet's mesh. */
        static final PortLane MESH = new PortLane(17000, 32767);
        /** For a variant whose backends no other variant reaches. */
        static final PortLane ALONE = new PortLane(1024, 65000);
    }

    /** Both runs from {@code client}, a lab host's or a task's namespace, against {@code url}, from {@code lane}'s ports. */
    static Map<String, Double> measure(LabHosts lab, String client, String url, int seconds, PortLane lane)
            throws Exception {
        // A load generator's usual settings: with one destination, a new connection per
        // request leaves tens of thousands of the client's own TIME_WAIT sockets within a
        // run, and without reuse its connect() ends up searching for a free port and the
        // run measures that (seen here: 4.4k falling to 0.3k requests/s in three runs
        // against the same target).
        lab.exec(client, java.time.Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1",
                "net.ipv4.ip_local_port_range=" + lane.low() + " " + lane.high());
        Wrk.Figures keepAlive = Wrk.run(lab, client, url, seconds, false);
        Wrk.Figures close = Wrk.run(lab, client, url, seconds, true);
        return Map.of(
                MeshHttpScenario.RPS_KEEPALIVE.name(), keepAlive.requestsPerSecond(),
                MeshHttpScenario.P99_KEEPALIVE.name(), keepAlive.p99Millis(),
                MeshHttpScenario.RPS_CLOSE.name(), close.requestsPerSecond(),
                MeshHttpScenario.P99_CLOSE.name(), close.p99Millis());
    }
}
