package io.swarmnet.benchmarks.lab.egress;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import io.swarmnet.benchmarks.lab.overlay.Iperf3;
import io.swarmnet.lab.DeploySpec;
import io.swarmnet.lab.Lab;
import io.swarmnet.lab.LabTask;
import io.swarmnet.lab.LabTasks;
import java.util.List;
import java.util.Map;

/**
 * swarmnet's side of {@link EgressScenario}: a one-replica service deployed with
 * {@code lab deploy}, whose task leaves by {@code eth1} on the agent's gwbridge (isolated
 * port, swarmnet's forward chain and masquerade).
 */
final class SwarmnetGwBridgeVariant implements Variant {
    static final String SERVICE = "benchegr";
    private LabTask task;

    @Override
    public String name() {
        return "swarmnet";
    }


    @Override
    public void setUp(LabHosts lab) {
        List<LabTask> tasks = LabTasks.open(Lab.open(lab.name()))
                .deploy(new DeploySpec(SERVICE, 1, null, List.of(), List.of("sleep", "infinity")));
        if (tasks.size() != 1 || !tasks.get(0).host().equals(EgressScenario.NODE)) {
            throw new IllegalStateException("expected one task on " + EgressScenario.NODE + ", got " + tasks);
        }
        task = tasks.get(0);
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        double gbits = Iperf3.tcpGbits(lab, lab.namespace(EgressScenario.INTERNET), task.namespace(),
                lab.address(EgressScenario.INTERNET), seconds);
        return Map.of(EgressScenario.THROUGHPUT.name(), gbits);
    }

    @Override
    public void tearDown(LabHosts lab) {
        LabTasks.open(Lab.open(lab.name())).remove(SERVICE);
        task = null;
    }
}
