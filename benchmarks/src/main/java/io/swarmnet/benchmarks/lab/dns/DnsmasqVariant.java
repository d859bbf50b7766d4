package io.swarmnet.benchmarks.lab.dns;

import io.swarmnet.benchmarks.lab.LabHosts;
import io.swarmnet.benchmarks.lab.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The anchor of {@link DnsScenario}: dnsmasq in the same task namespace on 127.0.0.12,
 * with every name as a {@code --host-record} of the addresses the embedded resolver gives,
 * nothing forwarded.
 */
final class DnsmasqVariant implements Variant {
    static final String ADDRESS = "127.0.0.12";
    private final BenchService service;
    private Process dnsmasq;

    DnsmasqVariant(BenchService service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "dnsmasq";
    }

    @Override
    public boolean anchor() {
        return true;
    }

    @Override
    public void setUp(LabHosts lab) throws Exception {
        service.ensure(lab);
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", service.client().namespace(), "dnsmasq",
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
                "--listen-address=" + ADDRESS, "--pid-file=", "--local=/#/", "--local-ttl=5"));
        service.names().forEach((name, ips) -> ips.forEach(ip -> argv.add("--host-record=" + name + "," + ip)));
        dnsmasq = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                lab.exec(service.client().namespace(), Duration.ofSeconds(5), "dig", "+short", "+time=1", "+tries=1",
                        "@" + ADDRESS, BenchService.SERVICE);
                break;
            } catch (Exception notYet) {
                if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dnsmasq did not start in " + service.client().namespace(), notYet);
                }
                Thread.sleep(100);
            }
        }
        DnsPerf.warmUp(lab, service.client().namespace(), ADDRESS, service.queries());
    }

    @Override
    public Map<String, Double> measure(LabHosts lab, int seconds) throws Exception {
        return DnsPerf.run(lab, service.client().namespace(), ADDRESS, service.queries(), seconds);
    }

    @Override
    public void tearDown(LabHosts lab) throws InterruptedException {
        if (dnsmasq != null) {
            dnsmasq.destroy();
            if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            dnsmasq = null;
        }
    }
}
