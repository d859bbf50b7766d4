package io.swarmnet.control.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The embedded store's data: keys with etcd's revision bookkeeping, leases, and the store
 * revision. A deterministic state machine: replaying the same log entries from the same
 * snapshot gives the same state in every process. Not thread-safe.
 */
final class EmbeddedState {

    /** A lease as the log knows it: its TTL, its wall-clock deadline and the keys attached. */
    static final class LeaseEntry {
        final long id;
        final long ttlMillis;
        long deadline;
        final Set<String> keys = new HashSet<>();

        LeaseEntry(long id, long ttlMillis, long deadline) {
            this.id = id;
            this.ttlMillis = ttlMillis;
            this.deadline = deadline;
        }
    }

    private final TreeMap<String, KeyValue> keys = new TreeMap<>();
    // Insertion-ordered so snapshots list leases in the same order in every process.
    private final Map<Long, LeaseEntry> leases = new LinkedHashMap<>();
    private long revision;

    /** An empty state at {@code revision}; a new store starts at 1, as etcd does. */
    EmbeddedState(long revision) {
        this.revision = revision;
    }

    long revision() {
        return revision;
    }

    Optional<KeyValue> get(String key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** The keys starting with {@code prefix}, in key order. */
    List<KeyValue> range(String prefix) {
        if (prefix.isEmpty()) {
            return new ArrayList<>(keys.values());
        }
        String end = new String(EtcdStore.prefixEnd(prefix.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return new ArrayList<>(keys.subMap(prefix, true, end, false).values());
    }

    long modRevision(String key) {
        KeyValue kv = keys.get(key);
        return kv == null ? 0 : kv.modRevision();
    }

    Map<Long, LeaseEntry> leases() {
        return Collections.unmodifiableMap(leases);
    }

    /** The earliest lease deadline, or {@link Long#MAX_VALUE} when there is no lease. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (LeaseEntry lease : leases.values()) {
            next = Math.min(next, lease.deadline);
        }
        return next;
    }

    void restoreLease(long id, long ttlMillis, long deadline) {
        leases.put(id, new LeaseEntry(id, ttlMillis, deadline));
    }

    void restoreKey(KeyValue kv) {
        keys.put(kv.key(), kv);
        if (kv.leaseId() != 0) {
            LeaseEntry lease = leases.get(kv.leaseId());
            if (lease == null) {
                throw new IllegalStateException("key " + kv.key() + " is attached to unknown lease " + Long.toHexString(kv.leaseId()));
            }
            lease.keys.add(kv.key());
        }
    }

    /**
     * Applies one log entry.
     *
     * @return the changes it made, all at one new revision; empty when the revision did not move
     */
    List<WatchEvent> apply(EmbeddedLog.Entry entry) {
        if (entry instanceof EmbeddedLog.Txn txn) {
            return applyTxn(txn.operations());
        }
        if (entry instanceof EmbeddedLog.Grant grant) {
            leases.put(grant.id(), new LeaseEntry(grant.id(), grant.ttlMillis(), grant.deadline()));
        } else if (entry instanceof EmbeddedLog.Renew renew) {
            LeaseEntry lease = leases.get(renew.id());
            if (lease != null) {
                lease.deadline = Math.max(lease.deadline, renew.deadline());
            }
        } else if (entry instanceof EmbeddedLog.Revoke revoke) {
            LeaseEntry lease = leases.remove(revoke.id());
            if (lease != null && !lease.keys.isEmpty()) {
                // Sorted, so every process replaying the log emits the deletes in one order.
                List<Transaction.Operation> deletes = lease.keys.stream().sorted()
                        .map(k -> new Transaction.Operation(Transaction.Kind.DELETE, k, null, 0))
                        .toList();
                return applyTxn(deletes);
            }
        }
        return List.of();
    }

    /** Whether {@code operation} would change anything: every put does, a delete only of a present key. */
    boolean effective(Transaction.Operation operation) {
        return operation.kind() == Transaction.Kind.PUT || keys.containsKey(operation.key());
    }

    private List<WatchEvent> applyTxn(List<Transaction.Operation> operations) {
        long next = revision + 1;
        List<WatchEvent> events = new ArrayList<>(operations.size());
        for (Transaction.Operation op : operations) {
            KeyValue old = keys.get(op.key());
            if (op.kind() == Transaction.Kind.PUT) {
                if (op.leaseId() != 0 && !leases.containsKey(op.leaseId())) {
                    throw new IllegalStateException("put of " + op.key() + " names unknown lease " + Long.toHexString(op.leaseId()));
                }
                detach(old);
                KeyValue kv = old == null
                        ? new KeyValue(op.key(), op.value(), next, next, 1, op.leaseId())
                        : new KeyValue(op.key(), op.value(), old.createRevision(), next, old.version() + 1, op.leaseId());
                keys.put(op.key(), kv);
                if (op.leaseId() != 0) {
                    leases.get(op.leaseId()).keys.add(op.key());
                }
                events.add(new WatchEvent(WatchEvent.Type.PUT, op.key(), op.value(), next));
            } else if (old != null) {
                detach(old);
                keys.remove(op.key());
                events.add(new WatchEvent(WatchEvent.Type.DELETE, op.key(), new byte[0], next));
            }
        }
        if (!events.isEmpty()) {
            revision = next;
        }
        return events;
    }

    private void detach(KeyValue kv) {
        if (kv != null && kv.leaseId() != 0) {
            LeaseEntry lease = leases.get(kv.leaseId());
            if (lease != null) {
                lease.keys.remove(kv.key());
            }
        }
    }
}
