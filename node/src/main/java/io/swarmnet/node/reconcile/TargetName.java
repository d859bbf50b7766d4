package io.swarmnet.node.reconcile;

import java.util.Locale;

/** The targets the data-plane reconciler drives, in the order a pass applies them; the metric label of each. */
public enum TargetName {
    /** Task namespaces: each attached task's TAPs, in-task DNS socket and gwbridge link. */
    TASKS,
    /** The routing mesh: the ingress endpoint and the published ports' nftables table. */
    MESH,
    /** The VTEP's forwarding tables: networks, peers, local ports, remote MACs, ARP answers. */
    OVERLAY,
    /** The load balancer's service table: VIPs and their backends. */
    SERVICES,
    /** The embedded DNS server's records. */
    DNS,
    /** The gwbridge's ports: those of tasks no longer attached are pruned. */
    GWBRIDGE;

    /** The name as a metric label value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
