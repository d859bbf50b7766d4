/**
 * The thin client: {@link io.swarmnet.control.watch.ClusterWatcher} lists the cluster
 * state at a revision, watches every change after it in revision order, resumes after
 * disconnects and failovers, re-lists and diffs after a compaction, and publishes each new
 * {@link io.swarmnet.control.view.ClusterView} to its listeners. A record that does not
 * decode is logged, counted in {@link io.swarmnet.control.watch.WatcherMetrics} and left
 * out; it never stops the watcher.
 */
package io.swarmnet.control.watch;
