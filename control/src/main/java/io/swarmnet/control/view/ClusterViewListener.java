package io.swarmnet.control.view;

/**
 * Receives every new {@link ClusterView}, one call at a time, in revision order, on the
 * watcher's thread. Do not block in it: the next changes wait for it.
 */
@FunctionalInterface
public interface ClusterViewListener {

    void onUpdate(ViewUpdate update);
}
