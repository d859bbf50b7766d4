package io.swarmnet.node.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every node's counters into rates for the cluster view: scrapes each ready node's
 * {@code /metrics} (this node's own registry directly) every {@link #PERIOD}, but only
 * while someone is looking, i.e. the page asked for state within {@link #IDLE_AFTER}.
 *
 * <p>Peers are reached at their advertise address on this agent's metrics port, the way
 * a Prometheus scrape config lists a fleet that serves one port (dockerd's 9323). A peer
 * that does not answer within a second simply has no rates this round.
 */
final class TrafficPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficPoller.class);
    static final Duration PERIOD = Duration.ofSeconds(2);
    static final Duration IDLE_AFTER = Duration.ofSeconds(15);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** What the view shows: overlay bytes per network, load-balancer flows per service. */
    static final Map<String, String> COUNTERS = Map.of(
            "swarmnet_overlay_rx_bytes_total", "network",
            "swarmnet_overlay_tx_bytes_total", "network",
            "swarmnet_overlay_local_bytes_total", "network",
            "swarmnet_lb_backend_picks_total", "service");

    /** A node's counters at one moment. */
    private record Sample(long nanos, MetricSamples samples) {
    }

    /** Rates of one node, per second, from its last two samples. */
    record NodeRates(double rxBytes, double txBytes, Map<String, Double> bytesByNetwork, Map<String, Double> flowsByService) {
        static final NodeRates NONE = new NodeRates(0, 0, Map.of(), Map.of());
    }

    private final Supplier<Map<String, String>> targets;
    private final String selfId;
    private final Supplier<String> selfMetrics;
    private final int port;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final Map<String, Sample[]> samples = new ConcurrentHashMap<>();
    private volatile long lastDemand = System.nanoTime() - IDLE_AFTER.toNanos() - 1;

    /**
     * @param targets     node id to advertise address, of the nodes to poll (ready ones)
     * @param selfId      this node, read from {@code selfMetrics} rather than over HTTP
     * @param selfMetrics this node's exposition
     * @param port        the metrics port peers serve on
     */
    TrafficPoller(Supplier<Map<String, String>> targets, String selfId, Supplier<String> selfMetrics, int port) {
        this.targets = targets;
        this.selfId = selfId;
        this.selfMetrics = selfMetrics;
        this.port = port;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "swarmnet-web-poller");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(timer).build();
        timer.scheduleWithFixedDelay(this::pollIfWatched, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Notes that the page is open; polling runs while it keeps asking. */
    void demand() {
        lastDemand = System.nanoTime();
    }

    private void pollIfWatched() {
        if (System.nanoTime() - lastDemand > IDLE_AFTER.toNanos()) {
            return;
        }
        try {
            Map<String, String> nodes = targets.get();
            samples.keySet().retainAll(nodes.keySet());
            for (Map.Entry<String, String> node : nodes.entrySet()) {
                if (node.getKey().equals(selfId)) {
                    record(selfId, selfMetrics.get());
                } else {
                    scrape(node.getKey(), node.getValue());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("traffic poll failed", e);
        }
    }

    private void scrape(String nodeId, String address) {
        URI uri = URI.create("http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/metrics");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200) {
                record(nodeId, response.body());
            } else {
                LOG.debug("no metrics from node {} at {}: {}", nodeId, uri,
                        failure != null ? failure.toString() : "HTTP " + response.statusCode());
            }
        });
    }

    private void record(String nodeId, String text) {
        Sample now = new Sample(System.nanoTime(), MetricSamples.parse(text, COUNTERS));
        samples.compute(nodeId, (id, pair) -> pair == null ? new Sample[] {null, now} : new Sample[] {pair[1], now});
    }

    /** Each polled node's rates; a node seen once or never has {@link NodeRates#NONE}. */
    Map<String, NodeRates> rates() {
        Map<String, NodeRates> out = new HashMap<>();
        samples.forEach((nodeId, pair) -> out.put(nodeId, pair[0] == null ? NodeRates.NONE : rates(pair[0], pair[1])));
        return out;
    }

    static NodeRates rates(Sample before, Sample after) {
        double seconds = Math.max(1e-3, (after.nanos() - before.nanos()) / 1e9);
        MetricSamples a = before.samples();
        MetricSamples b = after.samples();
        double rx = rate(a, b, "swarmnet_overlay_rx_bytes_total", MetricSamples.TOTAL, seconds);
        double tx = rate(a, b, "swarmnet_overlay_tx_bytes_total", MetricSamples.TOTAL, seconds);
        Map<String, Double> byNetwork = new HashMap<>();
        for (String name : new String[] {"swarmnet_overlay_rx_bytes_total", "swarmnet_overlay_tx_bytes_total",
                "swarmnet_overlay_local_bytes_total"}) {
            for (String network : b.groups(name)) {
                if (!network.equals(MetricSamples.TOTAL)) {
                    byNetwork.merge(network, rate(a, b, name, network, seconds), Double::sum);
                }
            }
        }
        Map<String, Double> byService = new HashMap<>();
        for (String service : b.groups("swarmnet_lb_backend_picks_total")) {
            if (!service.equals(MetricSamples.TOTAL)) {
                byService.put(service, rate(a, b, "swarmnet_lb_backend_picks_total", service, seconds));
            }
        }
        return new NodeRates(rx, tx, byNetwork, byService);
    }

    /** A counter's increase per second; a reset (the peer restarted) counts from zero. */
    private static double rate(MetricSamples a, MetricSamples b, String name, String group, double seconds) {
        double now = b.sum(name, group);
        double then = a.sum(name, group);
        return (now >= then ? now - then : now) / seconds;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
