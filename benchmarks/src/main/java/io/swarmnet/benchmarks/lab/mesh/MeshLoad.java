package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.util.Map;

/** The two wrk runs of the mesh and VIP scenarios, keep-alive and new-connection, as their four figures. */
final class MeshLoad {
    private MeshLoad() {
    }

    /** Both runs from {@code client}, a lab host's or a task's namespace, against {@code url}. */
    static Map<String, Double> measure(LabHosts lab, String client, String url, int seconds) throws Exception {
        // A load generator's usual settings: with one destination, a new connection per
        // request leaves tens of thousands of the client's own TIME_WAIT sockets within a
        // run, and without reuse its connect() ends up searching for a free port and the
        // run measures that, worse for whichever variant comes later (seen here: 4.4k
        // falling to 0.3k requests/s in three runs against the same target).
        lab.exec(client, java.time.Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1",
                "net.ipv4.ip_local_port_range=1024 65000");
        Wrk.Figures keepAlive = Wrk.run(lab, client, url, seconds, false);
        Wrk.Figures close = Wrk.run(lab, client, url, seconds, true);
        return Map.of(
                MeshHttpScenario.RPS_KEEPALIVE.name(), keepAlive.requestsPerSecond(),
                MeshHttpScenario.P99_KEEPALIVE.name(), keepAlive.p99Millis(),
                MeshHttpScenario.RPS_CLOSE.name(), close.requestsPerSecond(),
                MeshHttpScenario.P99_CLOSE.name(), close.p99Millis());
    }
}
