package io.swarmnet.node.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.view.ClusterView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The live cluster view ({@code swarmnet agent --web}): a read-only page at {@code /ui/}
 * that draws, like the swarm tutorial's visualizer, every node with the tasks on it,
 * the services with their VIPs and published ports, the networks, and traffic rates per
 * node, network and service; the page polls {@code /ui/state} and redraws in place.
 *
 * <p>Everything comes from this agent's cluster view and its peers' {@code /metrics};
 * nothing here writes to the store or the data plane.
 */
public final class WebView implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<ClusterView> view;
    private final String selfId;
    private final TrafficPoller poller;
    private final byte[] page;

    /**
     * @param view        this agent's current cluster view
     * @param selfId      this node's id
     * @param selfMetrics this agent's own exposition, read without going through HTTP
     * @param metricsPort the port every agent serves /metrics on
     */
    public WebView(Supplier<ClusterView> view, String selfId, Supplier<String> selfMetrics, int metricsPort) {
        this.view = view;
        this.selfId = selfId;
        this.poller = new TrafficPoller(() -> readyNodes(view.get()), selfId, selfMetrics, metricsPort);
        this.page = resource("cluster.html");
    }

    private static Map<String, String> readyNodes(ClusterView view) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : view.nodes().values()) {
            if (view.isReady(n.id())) {
                out.put(n.id(), n.advertiseAddr());
            }
        }
        return out;
    }

    /** The page, HTML with its script and style inline, so it needs nothing from elsewhere. */
    public byte[] page() {
        return page.clone();
    }

    /** The state the page draws, as JSON; asking for it keeps the traffic poller running. */
    public byte[] state() {
        poller.demand();
        try {
            return JSON.writeValueAsBytes(ClusterState.of(view.get(), selfId, poller.rates()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the cluster state as JSON", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebView.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + WebView.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        poller.close();
    }
}
