package io.swarmnet.control.store;

import java.time.Duration;

/**
 * A granted lease that the store keeps alive in the background until it is closed or
 * revoked; keys put with its {@link #id()} are deleted when it ends.
 */
public interface Lease extends AutoCloseable {

    /** Where the lease stands, as this client last saw it. */
    enum State {
        /** The last keep-alive was answered. */
        ALIVE,
        /** Keep-alives fail; the lease still lives in the store until its TTL runs out. */
        UNREACHABLE,
        /** The store no longer knows the lease (TTL ran out); its keys are gone. Final. */
        EXPIRED,
        /** Revoked by this client; its keys are gone. Final. */
        REVOKED,
        /** Closed without revoking: no more keep-alives, the store expires it after its TTL. Final. */
        CLOSED
    }

    long id();

    /** The TTL the store granted, which may be longer than the one asked for. */
    Duration ttl();

    State state();

    /** Whether the lease is known alive: shorthand for {@code state() == ALIVE}. */
    default boolean alive() {
        return state() == State.ALIVE;
    }

    /**
     * Ends the lease now, deleting its keys. Revoking a lease the store no longer knows is
     * not an error.
     *
     * @throws StoreException when the store cannot be reached within the request timeout
     */
    void revoke();

    /** Stops keeping the lease alive; the store deletes its keys after the TTL. */
    @Override
    void close();
}
