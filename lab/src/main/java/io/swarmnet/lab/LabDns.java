package io.swarmnet.lab;

import java.nio.file.Path;
import java.util.List;

/**
 * The lab's DNS: a dnsmasq in the internet namespace is every agent's upstream (the
 * machine's own resolver is never asked); each task namespace's resolv.conf points at the
 * embedded resolver ({@link io.swarmnet.node.task.NamespaceTaskRuntime#RESOLV_CONF}).
 */
final class LabDns {
    /** A name only the lab's internet resolver knows: a forwarded query that succeeds. */
    static final String EXTERNAL_NAME = "example.test";

    private LabDns() {
    }

    /**
     * dnsmasq on 198.51.100.1:53 in the internet namespace, in the foreground, logging each
     * query to its log (so a test can tell what was forwarded): {@link #EXTERNAL_NAME} and
     * its subdomains answer 198.51.100.1, other names under {@code test} are NXDOMAIN, the
     * rest REFUSED.
     */
    static List<String> upstreamCommand(LabHost internet, Path pidFile) {
        return List.of("ip", "netns", "exec", internet.namespace(), "dnsmasq",
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll",
                "--bind-interfaces", "--listen-address=" + LabHost.INTERNET_ADDRESS,
                "--pid-file=" + pidFile, "--log-facility=-", "--log-queries",
                "--address=/" + EXTERNAL_NAME + "/" + LabHost.INTERNET_ADDRESS, "--local=/test/");
    }
}
