package io.swarmnet.node.overlay;

import static io.swarmnet.node.metrics.CallbackMetrics.counter;
import static io.swarmnet.node.metrics.CallbackMetrics.gauge;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.lb.LbCounters;
import io.swarmnet.lb.LbDropReason;
import io.swarmnet.lb.NatStage;
import io.swarmnet.lb.conntrack.ConntrackTable;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.packet.Ipv4Address;
import java.util.Locale;

/**
 * Exports the service load balancer's counters on the agent's /metrics, read at scrape
 * time from counters the VTEP's event loop writes. Label sets are bounded: one per drop
 * reason, one per backend of a VIP in the table in force.
 */
public final class LbMetrics {
    private LbMetrics() {
    }

    /** Registers the load balancer's metrics of {@code plane}'s VTEP. */
    public static void register(PrometheusRegistry registry, OverlayDataPlane plane) {
        NatStage lb = plane.vtep().loadBalancer();
        LbCounters c = lb.counters();
        ConntrackTable ct = lb.conntrack();
        counter(registry, "swarmnet_lb_new_flows", "Flows to a service VIP that got a backend and a conntrack entry",
                c::newFlows);
        counter(registry, "swarmnet_lb_picks", "Backends picked by the schedulers: new flows and UDP flows moved off a removed task",
                c::picks);
        counter(registry, "swarmnet_lb_repicks", "UDP flows moved to another task because theirs was removed", c::repicks);
        counter(registry, "swarmnet_lb_resets", "TCP RSTs sent to clients of a removed task or of a VIP without tasks",
                c::resets);
        counter(registry, "swarmnet_lb_echo_replies", "ICMP echo requests to a VIP answered by the agent", c::echoReplies);
        counter(registry, "swarmnet_lb_forward_packets", "Packets to a VIP rewritten to their task", c::forwardPackets);
        counter(registry, "swarmnet_lb_reply_packets", "Reply packets rewritten to come from the VIP", c::replyPackets);
        counter(registry, "swarmnet_lb_conntrack_evictions", "Embryonic TCP flows evicted for newer ones (SYN floods)",
                ct::evictions);
        counter(registry, "swarmnet_lb_conntrack_expired", "Tracked flows that expired after their idle timeout", ct::expired);
        CounterWithCallback.builder()
                .name("swarmnet_lb_drops")
                .help("Frames to a VIP the load balancer dropped, by reason (table_full: conntrack full)")
                .labelNames("reason")
                .callback(cb -> {
                    for (LbDropReason reason : LbDropReason.values()) {
                        cb.call(c.drops(reason), reason.name().toLowerCase(Locale.ROOT));
                    }
                })
                .register(registry);
        gauge(registry, "swarmnet_lb_conntrack_entries", "Flows in the conntrack table (active flows)", ct::size);
        gauge(registry, "swarmnet_lb_conntrack_embryonic", "TCP flows in the conntrack table whose handshake is not complete",
                ct::embryonic);
        gauge(registry, "swarmnet_lb_conntrack_capacity", "Most flows the conntrack table holds (--lb-conntrack-max)",
                ct::capacity);
        GaugeWithCallback.builder()
                .name("swarmnet_lb_backend_active_flows")
                .help("Tracked flows per task of a VIP")
                .labelNames("service", "vip", "backend", "state")
                .callback(cb -> {
                    for (VirtualServer vs : lb.table().services()) {
                        for (Backend b : vs.backends()) {
                            cb.call(b.counters().activeFlows(), vs.name(), Ipv4Address.toString(vs.vip()),
                                    Ipv4Address.toString(b.ip()), b.state().name().toLowerCase(Locale.ROOT));
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("swarmnet_lb_backend_picks")
                .help("New flows given to each task of a VIP")
                .labelNames("service", "vip", "backend")
                .callback(cb -> {
                    for (VirtualServer vs : lb.table().services()) {
                        for (Backend b : vs.backends()) {
                            cb.call(b.counters().picks(), vs.name(), Ipv4Address.toString(vs.vip()),
                                    Ipv4Address.toString(b.ip()));
                        }
                    }
                })
                .register(registry);
    }
}
