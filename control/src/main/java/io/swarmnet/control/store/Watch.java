package io.swarmnet.control.store;

/**
 * A running watch of a prefix; it survives connection loss and manager failover on its
 * own, resuming exactly after the last delivered revision.
 */
public interface Watch extends AutoCloseable {

    /**
     * The revision a new watch must start from to continue this one without gaps or
     * repeats: one past the last revision delivered (or known to have no changes).
     */
    long nextRevision();

    /** Stops delivery; no listener call starts after this returns. */
    @Override
    void close();
}
