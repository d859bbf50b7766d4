package io.swarmnet.node.mesh;

import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.PortKey;
import io.swarmnet.control.tables.PortMapping;
import io.swarmnet.packet.Ipv4Address;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nftables table swarmnet owns for published ports: {@code table ip swarmnet_ingress},
 * rewritten whole (one netlink batch) whenever the published ports, their backends or the
 * tasks' gwbridge addresses change, and never sharing a chain with anyone's rules.
 *
 * <pre>
 * prerouting (nat, dstnat)  fib daddr type local jump mesh
 * output (nat, -100)        ip daddr != 127.0.0.0/8 fib daddr type local jump mesh
 * mesh                      ingress:  tcp dport P dnat ip to numgen inc mod N map { 0 : T0 . target, ... }
 *                                     (or dnat to VIP:target when the VIP load balancer serves it)
 *                           host:     tcp dport P dnat to GWBRIDGE-ADDRESS:target
 * postrouting (nat, srcnat) oifname INGRESS-TAP ct status dnat masquerade
 * </pre>
 *
 * <p>Why this shape (Docker's, with nftables for iptables and no IPVS): the kernel's own
 * conntrack carries every mesh connection, so the agent is on no packet's path here but
 * the VTEP's. Only a connection's first packet passes a nat chain, so {@code numgen inc}
 * spreads connections (not packets) round-robin, and changing the backends rewrites the
 * rule without disturbing established connections, which keep their conntrack entry.
 * Ingress connections are masqueraded to the node's own ingress address as they leave by
 * the ingress TAP, so the backend's reply comes back through this node (which must undo
 * the DNAT); host-mode connections go to the local task's gwbridge address unmasqueraded,
 * so the task sees the client's address and replies by its default route, the gwbridge.
 * A port with no backend gets no rule: the node's own stack answers it (TCP RST, ICMP port
 * unreachable), so a client fails fast instead of hanging.
 */
public final class MeshTable {
    public static final String FAMILY = "ip";
    public static final String NAME = "swarmnet_ingress";

    private MeshTable() {
    }

    /**
     * The table's chains.
     *
     * @param ingressTap     the ingress endpoint's interface, or null when the node has none yet
     * @param ports          this node's published ports
     * @param gwAddresses    the gwbridge address of each task attached here, by task id
     * @param notDnated      ports served another way (the PROXY protocol forwarder), left out
     * @param viaVip         whether ingress ports go to the service's VIP (the load balancer
     *                       picks the task) rather than to the tasks in turn
     */
    public static String body(String ingressTap, Collection<PortMapping> ports, Map<String, Integer> gwAddresses,
                              Set<PortKey> notDnated, boolean viaVip) {
        StringBuilder mesh = new StringBuilder();
        List<PortMapping> sorted = ports.stream()
                .sorted(Comparator.comparing((PortMapping p) -> p.protocol().label()).thenComparingInt(PortMapping::published))
                .toList();
        for (PortMapping p : sorted) {
            if (notDnated.contains(new PortKey(p.protocol(), p.published()))) {
                continue;
            }
            String match = "    " + p.protocol().label() + " dport " + p.published() + " ";
            if (p.mode() == PublishMode.HOST) {
                p.backends().stream().filter(Backend::local).map(b -> gwAddresses.get(b.taskId()))
                        .filter(a -> a != null).findFirst()
                        .ifPresent(gw -> mesh.append(match).append("dnat to ").append(Ipv4Address.toString(gw))
                                .append(':').append(p.target()).append('\n'));
            } else if (ingressTap != null) {
                String target = ingressTarget(p, viaVip);
                if (target != null) {
                    mesh.append(match).append(target).append('\n');
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("  chain prerouting {\n")
                .append("    type nat hook prerouting priority dstnat; policy accept;\n")
                .append("    fib daddr type local jump mesh\n")
                .append("  }\n")
                .append("  chain output {\n")
                .append("    type nat hook output priority -100; policy accept;\n")
                .append("    ip daddr != 127.0.0.0/8 fib daddr type local jump mesh\n")
                .append("  }\n")
                .append("  chain mesh {\n").append(mesh).append("  }\n");
        if (ingressTap != null) {
            b.append("  chain postrouting {\n")
                    .append("    type nat hook postrouting priority srcnat; policy accept;\n")
                    .append("    oifname \"").append(ingressTap).append("\" ct status dnat masquerade\n")
                    .append("  }\n");
        }
        return b.toString();
    }

    private static String ingressTarget(PortMapping p, boolean viaVip) {
        if (viaVip && p.vip() != 0) {
            return "dnat to " + Ipv4Address.toString(p.vip()) + ":" + p.target();
        }
        List<Backend> active = p.backends().stream().filter(Backend::active).toList();
        if (active.isEmpty()) {
            return null;
        }
        if (active.size() == 1) {
            return "dnat to " + Ipv4Address.toString(active.get(0).ip()) + ":" + p.target();
        }
        StringBuilder map = new StringBuilder("dnat ip addr . port to numgen inc mod ").append(active.size()).append(" map { ");
        for (int i = 0; i < active.size(); i++) {
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(Ipv4Address.toString(active.get(i).ip()))
                    .append(" . ").append(p.target());
        }
        return map.append(" }").toString();
    }
}
