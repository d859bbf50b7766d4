package io.swarmnet.control.tables;

import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.view.ViewUpdate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node's {@link DesiredTables} in step with the cluster view: rebuilds them on
 * every view update (and when the node's local attachments change), and publishes them
 * through one volatile reference when any table changed. The packet path reads
 * {@link #current()} and never locks; unchanged tables keep their instance.
 */
public final class DesiredTablesPublisher implements ClusterViewListener {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredTablesPublisher.class);

    private final String nodeId;
    private final List<DesiredTablesListener> listeners = new CopyOnWriteArrayList<>();
    private volatile DesiredTables current;
    // Guarded by this: the inputs of the last build.
    private ClusterView view = ClusterView.EMPTY;
    private Set<String> attached = Set.of();
    private volatile long rebuilds;
    private volatile long lastBuildNanos;

    public DesiredTablesPublisher(String nodeId) {
        this.nodeId = nodeId;
        this.current = DesiredTables.empty(nodeId);
    }

    /** The latest tables; never null. One volatile read. */
    public DesiredTables current() {
        return current;
    }

    public String nodeId() {
        return nodeId;
    }

    public void addListener(DesiredTablesListener listener) {
        listeners.add(listener);
    }

    public void removeListener(DesiredTablesListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void onUpdate(ViewUpdate update) {
        rebuild(update.current(), null);
    }

    /** Sets the networks this node has local attachments on beyond its tasks', and rebuilds. */
    public void attachedNetworks(Set<String> networkIds) {
        rebuild(null, Set.copyOf(networkIds));
    }

    /** How many times the tables were rebuilt, for metrics. */
    public long rebuilds() {
        return rebuilds;
    }

    /** How long the last rebuild took, in nanoseconds, for metrics. */
    public long lastBuildNanos() {
        return lastBuildNanos;
    }

    private synchronized void rebuild(ClusterView newView, Set<String> newAttached) {
        if (newView != null) {
            view = newView;
        }
        if (newAttached != null) {
            attached = newAttached;
        }
        long start = System.nanoTime();
        DesiredTables previous = current;
        DesiredTables next = DesiredTables.build(view, nodeId, attached);
        lastBuildNanos = System.nanoTime() - start;
        rebuilds++;
        // Sharing first makes "nothing changed" an identity check, so each table is
        // compared in full at most once.
        next = next.sharing(previous);
        if (next.sameInstancesAs(previous)) {
            return;
        }
        current = next;
        for (DesiredTablesListener listener : listeners) {
            try {
                listener.onTables(previous, next);
            } catch (RuntimeException e) {
                LOG.error("a desired tables listener of node {} failed at revision {}", nodeId, next.revision(), e);
            }
        }
    }
}
