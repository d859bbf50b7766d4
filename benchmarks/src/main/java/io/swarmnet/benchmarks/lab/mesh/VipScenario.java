package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.Metric;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.List;

/**
 * A service's VIP against the task's own address (issue #5: VIP at least 0.9x direct):
 * wrk inside a client task on one node, nginx as a one-replica service on another, the
 * same overlay path either way; through the VIP every connection also crosses
 * swarmnet's load balancer (conntrack, backend pick, DNAT and its reverse).
 */
public final class VipScenario implements Scenario {
    public static final String NAME = "vip-http";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "wrk from a task to nginx, a one-replica service on another node: to the task's address (anchor)"
                + " and to the service's VIP through swarmnet's load balancer; keep-alive -c64 and Connection: close -c32.";
    }

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public List<Metric> metrics() {
        return List.of(MeshHttpScenario.RPS_KEEPALIVE, MeshHttpScenario.P99_KEEPALIVE, MeshHttpScenario.RPS_CLOSE,
                MeshHttpScenario.P99_CLOSE);
    }

    @Override
    public List<Variant> variants() {
        return List.of(new VipVariant(false), new VipVariant(true));
    }
}
