package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.util.Map;

/** swarmnet's side of {@link DnsScenario}: the agent's embedded resolver at 127.0.0.11 in the task. */
final class SwarmnetDnsVariant implements Variant {
    private final BenchService service;

    SwarmnetDnsVariant(BenchService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "swarmnet";
    }


    @Override
    public void setUp(LabHosts lab) throws Exception {
        service.ensure(lab);
        DnsPerf.warmUp(lab, service.client().namespace(), "127.0.0.11", service.queries());
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return DnsPerf.run(lab, service.client().namespace(), "127.0.0.11", service.queries(), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) {
        // The service stays for the next repetition; lab down removes it.
    }
}
