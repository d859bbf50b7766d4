package io.swarmnet.node.overlay;

import static io.swarmnet.node.metrics.CallbackMetrics.counter;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.control.watch.WatcherMetrics;
import io.swarmnet.node.reconcile.DataPlaneReconciler;
import io.swarmnet.node.reconcile.TargetName;
import io.swarmnet.vxlan.vtep.DropReason;
import io.swarmnet.vxlan.vtep.NetworkCounters;
import io.swarmnet.vxlan.vtep.VtepCounters;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Exports the VTEP's counters and the cluster watcher's on the agent's /metrics. Values
 * are read at scrape time from counters their owners write; nothing is copied per packet.
 * Label sets are bounded: one per network this node served and one per drop reason.
 */
public final class OverlayMetrics {
    private OverlayMetrics() {
    }

    /** Registers the data plane's metrics. */
    public static void register(PrometheusRegistry registry, OverlayDataPlane plane) {
        VtepCounters counters = plane.vtep().counters();
        perNetwork(registry, plane, "swarmnet_overlay_rx_packets", "VXLAN datagrams received from peers and delivered to tasks",
                NetworkCounters::rxPackets);
        perNetwork(registry, plane, "swarmnet_overlay_rx_bytes", "Bytes of inner frames received from peers and delivered",
                NetworkCounters::rxBytes);
        perNetwork(registry, plane, "swarmnet_overlay_tx_packets", "VXLAN datagrams sent to peers",
                NetworkCounters::txPackets);
        perNetwork(registry, plane, "swarmnet_overlay_tx_bytes", "Bytes of inner frames sent to peers",
                NetworkCounters::txBytes);
        perNetwork(registry, plane, "swarmnet_overlay_local_packets", "Frames switched between two tasks of this node",
                NetworkCounters::localPackets);
        perNetwork(registry, plane, "swarmnet_overlay_local_bytes", "Bytes of frames switched between two tasks of this node",
                NetworkCounters::localBytes);
        perNetwork(registry, plane, "swarmnet_overlay_arp_replies", "ARP requests answered from the control plane's table",
                NetworkCounters::arpReplies);
        CounterWithCallback.builder()
                .name("swarmnet_overlay_drops")
                .help("Frames and datagrams the VTEP dropped, by network and reason")
                .labelNames("network", "vni", "reason")
                .callback(cb -> {
                    for (NetworkCounters n : counters.networks()) {
                        String name = plane.networkNames().getOrDefault(n.vni(), "");
                        for (DropReason reason : DropReason.values()) {
                            cb.call(n.drops(reason), name, Integer.toString(n.vni()), label(reason));
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("swarmnet_vtep_drops")
                .help("Datagrams the VTEP dropped before any network was known (strangers, unknown VNIs, bad headers)")
                .labelNames("reason")
                .callback(cb -> {
                    for (DropReason reason : DropReason.values()) {
                        cb.call(counters.node().drops(reason), label(reason));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("swarmnet_vtep_peers")
                .help("Peer VTEPs (other ready nodes) this node accepts VXLAN from")
                .callback(cb -> cb.call(plane.vtep().tables().peers().length))
                .register(registry);
        GaugeWithCallback.builder()
                .name("swarmnet_vtep_event_loops")
                .help("Event loops of the data path: one per CPU of --data-path-cpus (by default the agent's),"
                        + " or one")
                .callback(cb -> cb.call(plane.vtep().loops()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("swarmnet_vtep_steering_by_cpu")
                .help("1 while the kernel steers each packet to the event loop of its CPU (light traffic),"
                        + " 0 while all go to the first loop (heavy traffic)")
                .callback(cb -> cb.call(plane.vtep().steeringByCpu() ? 1 : 0))
                .register(registry);
        counter(registry, "swarmnet_vtep_steering_switches", "Times the data path switched between steering by CPU"
                + " and gathering on the first loop", () -> plane.vtep().steeringSwitches());
        GaugeWithCallback.builder()
                .name("swarmnet_attached_tasks")
                .help("Tasks attached to the overlay on this node")
                .callback(cb -> cb.call(plane.attachedTasks()))
                .register(registry);
        register(registry, plane.reconciler());
    }

    /** Registers the data-plane reconciler's metrics: failed applies by target, targets out of sync. */
    public static void register(PrometheusRegistry registry, DataPlaneReconciler reconciler) {
        CounterWithCallback.builder()
                .name("swarmnet_dataplane_apply_failures")
                .help("Applies of a data-plane target that failed (each is retried with backoff), by target")
                .labelNames("target")
                .callback(cb -> {
                    for (TargetName target : TargetName.values()) {
                        cb.call(reconciler.failures(target), target.label());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("swarmnet_dataplane_targets_out_of_sync")
                .help("Data-plane targets whose last apply failed, so they do not hold what the tables say")
                .callback(cb -> cb.call(reconciler.outOfSync().size()))
                .register(registry);
    }

    /** Registers the cluster watcher's metrics. */
    public static void register(PrometheusRegistry registry, WatcherMetrics watcher) {
        GaugeWithCallback.builder()
                .name("swarmnet_cluster_view_revision")
                .help("The store revision of this node's cluster view")
                .callback(cb -> cb.call(watcher.revision()))
                .register(registry);
        counter(registry, "swarmnet_cluster_events_applied", "Store changes applied to the cluster view", watcher::eventsApplied);
        counter(registry, "swarmnet_cluster_records_rejected", "Store records that did not decode and were skipped",
                watcher::recordsRejected);
        counter(registry, "swarmnet_cluster_watch_reconnects", "Times the store watch reconnected", watcher::reconnects);
        counter(registry, "swarmnet_cluster_relists", "Full re-listings after the store compacted the watched history",
                watcher::relists);
        counter(registry, "swarmnet_cluster_watch_failovers", "Times a reopened watch was served by another manager",
                watcher::failovers);
        counter(registry, "swarmnet_cluster_duplicates_skipped", "Changes delivered again after a reconnect and skipped",
                watcher::duplicatesSkipped);
        counter(registry, "swarmnet_cluster_list_failures", "Listings of the cluster state that no manager answered",
                watcher::listFailures);
        counter(registry, "swarmnet_cluster_listener_failures", "Consumers of a new cluster view that failed on it",
                watcher::listenerFailures);
        GaugeWithCallback.builder()
                .name("swarmnet_cluster_last_update_timestamp_seconds")
                .help("When the cluster view last changed, in seconds since the epoch; 0 before the first listing")
                .callback(cb -> cb.call(watcher.lastUpdateMillis() / 1000.0))
                .register(registry);
        Histogram apply = Histogram.builder()
                .name("swarmnet_cluster_apply_seconds")
                .help("From a watched change's arrival to the view and the desired tables built from it being taken")
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .classicOnly()
                .register(registry);
        watcher.onApplyLatency(nanos -> apply.observe(nanos / 1e9));
        Histogram lag = Histogram.builder()
                .name("swarmnet_cluster_commit_to_applied_seconds")
                .help("From a change's commit by the cluster CLI (its clock) to this node's view having it")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
                .classicOnly()
                .register(registry);
        watcher.onCommitLag(millis -> lag.observe(millis / 1e3));
    }


    private static void perNetwork(PrometheusRegistry registry, OverlayDataPlane plane, String name, String help,
                                   ToLongFunction<NetworkCounters> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("network", "vni")
                .callback(cb -> {
                    for (NetworkCounters n : plane.vtep().counters().networks()) {
                        cb.call(value.applyAsLong(n), plane.networkNames().getOrDefault(n.vni(), ""), Integer.toString(n.vni()));
                    }
                })
                .register(registry);
    }

    private static String label(DropReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
