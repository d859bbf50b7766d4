package io.swarmnet.node.reconcile;

import java.time.Duration;

/**
 * Where the reconciler's passes run: one at a time, after a delay. {@link
 * DefaultReconcileScheduler} runs them on one daemon thread; tests step a manual clock.
 */
public interface ReconcileScheduler extends AutoCloseable {

    /** Runs {@code task} once, {@code delay} from now; does nothing once closed. */
    void schedule(Runnable task, Duration delay);

    /** Runs nothing more and waits for a running task to finish. */
    @Override
    void close();
}
