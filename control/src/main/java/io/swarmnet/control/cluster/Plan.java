package io.swarmnet.control.cluster;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.store.Transaction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transaction one allocation attempt builds: each key at most once among the
 * conditions and once among the operations (etcd refuses a key twice), and small enough
 * for etcd's default limit of 128 of each.
 */
final class Plan {
    /** Below etcd's default --max-txn-ops of 128, for compares and for operations alike. */
    static final int MAX_SIZE = 120;

    private final Map<String, Long> conditions = new LinkedHashMap<>();
    private final Map<String, Transaction.Operation> operations = new LinkedHashMap<>();

    /** Requires the key to be unchanged since the snapshot read it at {@code modRevision} (0: absent). */
    void require(String key, long modRevision) {
        Long earlier = conditions.putIfAbsent(key, modRevision);
        // WARNING: two different expectations of one key mean the planning code mixed up
        // snapshots; committing either would break the allocation argument.
        if (earlier != null && earlier != modRevision) {
            throw new IllegalStateException("conflicting conditions on " + key + ": " + earlier + " and " + modRevision);
        }
    }

    void requireAbsent(String key) {
        require(key, 0);
    }

    /** Creates a key that must not exist yet: the reservation pattern. */
    void create(String key, Object record) {
        requireAbsent(key);
        put(key, record);
    }

    void put(String key, Object record) {
        operations.put(key, new Transaction.Operation(Transaction.Kind.PUT, key, ModelJson.write(record), 0));
    }

    void delete(String key) {
        operations.put(key, new Transaction.Operation(Transaction.Kind.DELETE, key, null, 0));
    }

    /** The larger of the condition and operation counts, which etcd limits separately. */
    int size() {
        return Math.max(conditions.size(), operations.size());
    }

    /** Whether {@code more} conditions or operations still fit. */
    boolean fits(int more) {
        return size() + more <= MAX_SIZE;
    }

    boolean hasOperations() {
        return !operations.isEmpty();
    }

    Transaction transaction() {
        Transaction txn = Transaction.create();
        conditions.forEach(txn::ifModRevision);
        for (Transaction.Operation op : operations.values()) {
            if (op.kind() == Transaction.Kind.PUT) {
                txn.put(op.key(), op.value());
            } else {
                txn.delete(op.key());
            }
        }
        return txn;
    }
}
