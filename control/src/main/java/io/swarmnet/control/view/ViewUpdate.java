package io.swarmnet.control.view;

import java.util.List;

/**
 * One step of the view: what was, what is, and the record changes between them in
 * revision order.
 *
 * @param previous the view before; {@link ClusterView#EMPTY} before the first listing
 * @param current  the view after
 * @param changes  the record changes, in revision order; a record changed by several
 *                 revisions of one step appears once per revision
 * @param cause    why the view moved
 */
public record ViewUpdate(ClusterView previous, ClusterView current, List<ViewChange> changes, Cause cause) {

    public ViewUpdate {
        changes = List.copyOf(changes);
    }

    /** Why the view moved. */
    public enum Cause {
        /** The first listing, diffed against the empty view. */
        INITIAL,
        /** Watched changes, applied in revision order. */
        EVENTS,
        /** A re-listing after the store compacted the history the watch needed, diffed against the last view. */
        RELIST
    }
}
