package io.swarmnet.control.store;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The consistent, revisioned key-value store that holds the cluster state: etcd (the
 * managers' Raft quorum) through {@link EtcdStore}, or on a single host the file-backed
 * {@link EmbeddedStore}.
 *
 * <p>Keys are strings (see {@link Keys}), values raw bytes, in swarmnet JSON. Every call
 * is bounded by the store's request timeout and throws {@link StoreUnavailableException}
 * when no manager answers in time, {@link StoreException} for other failures.
 * Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    Optional<KeyValue> get(String key);

    /** Every key under {@code prefix} as of one revision. */
    Listing list(String prefix);

    /** Writes a value and returns the store revision of the write. */
    long put(String key, byte[] value);

    /** Writes a value attached to a lease (0 for none); it is deleted when the lease ends. */
    long put(String key, byte[] value, long leaseId);

    /** Deletes a key; returns whether it existed. Deleting an absent key is not an error. */
    boolean delete(String key);

    /** Applies the operations atomically if, and only if, every condition holds. */
    TransactionResult commit(Transaction transaction);

    /**
     * Grants a lease of at least {@code ttl} and keeps it alive in the background until it
     * is closed or revoked, telling {@code listener} how that goes.
     */
    Lease grant(Duration ttl, LeaseListener listener);

    /**
     * Watches every key under {@code prefix}, delivering the changes from
     * {@code fromRevision} on (inclusive) in revision order. Start at a listing's revision
     * + 1 to continue from the listing, or at an earlier watch's {@link Watch#nextRevision()}.
     */
    Watch watch(String prefix, long fromRevision, WatchListener listener);

    /** The client URLs of the managers, as they advertise them; the managers are the store's members. */
    List<URI> memberClientUrls();

    /**
     * Every manager and how it stands, as {@code node ls} shows it. Asks each member on its
     * own, so one dead member costs at most the request timeout and shows as unreachable.
     * The default, for stores that cannot tell, reports every client URL as a reachable member.
     */
    default List<Member> members() {
        return memberClientUrls().stream()
                .map(url -> new Member(url.toString(), List.of(url), Member.Status.REACHABLE))
                .toList();
    }

    /** Where the store is, for messages: e.g. {@code etcd://10.0.0.1:2379,10.0.0.2:2379}. */
    String address();

    /** Ends every watch, stops keeping leases alive (they expire after their TTL), and disconnects. */
    @Override
    void close();
}
