package io.swarmnet.control.store;

/**
 * Hears how a {@link Lease}'s keep-alives go. Called on the store's event thread, one
 * call at a time; do not block in it.
 */
public interface LeaseListener {

    /** A keep-alive was answered; the lease lives for {@code ttlSeconds} more. */
    default void onKeepAlive(long ttlSeconds) {
    }

    /** A keep-alive failed; the store keeps trying until the lease's TTL runs out. */
    default void onUnreachable(Throwable cause) {
    }

    /** The lease is gone from the store (its TTL ran out) and will not come back. */
    void onExpired();
}
