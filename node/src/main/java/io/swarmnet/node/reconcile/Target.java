package io.swarmnet.node.reconcile;

import java.io.IOException;

/**
 * One part of the data plane that holds a whole desired value, such as the VTEP's
 * forwarding tables or the resolvers' records; what {@link DataPlaneReconciler} applies to.
 *
 * <p>Contract, as for every reconciler target: {@link #apply} replaces what the target held
 * (it is not a delta), is idempotent and may be retried after it failed; the previous value
 * stays in force when it fails.
 *
 * @param <T> the value the target holds
 */
@FunctionalInterface
public interface Target<T> {

    /** Makes the target hold {@code desired}. */
    void apply(T desired) throws IOException;
}
