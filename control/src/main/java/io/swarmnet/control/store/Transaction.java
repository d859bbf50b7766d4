package io.swarmnet.control.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An atomic compare-then-write: when every condition holds, all operations apply at one
 * revision; otherwise none does.
 *
 * <p>This is how cluster state is allocated: read with revisions, decide, then commit
 * with {@link #ifModRevision} on what the decision was based on, and retry on a failed
 * result. Never write what a plain read suggested without such a condition.
 * Build one, commit it once, then drop it; it is not thread-safe.
 */
public final class Transaction {

    /** A condition: the key's last-write revision equals {@code modRevision}; 0 means absent. */
    public record Condition(String key, long modRevision) {
    }

    /** What an operation does. */
    public enum Kind { PUT, DELETE }

    /** A put (with an optional lease, 0 for none) or a delete of one key. */
    public record Operation(Kind kind, String key, byte[] value, long leaseId) {
    }

    private final List<Condition> conditions = new ArrayList<>();
    private final List<Operation> operations = new ArrayList<>();

    private Transaction() {
    }

    public static Transaction create() {
        return new Transaction();
    }

    /** Requires the key to be unchanged since the read that returned {@code modRevision}. */
    public Transaction ifModRevision(String key, long modRevision) {
        if (modRevision < 0) {
            throw new IllegalArgumentException("negative revision " + modRevision + " for " + key);
        }
        conditions.add(new Condition(Objects.requireNonNull(key, "key"), modRevision));
        return this;
    }

    /** Requires the key not to exist. */
    public Transaction ifAbsent(String key) {
        return ifModRevision(key, 0);
    }

    public Transaction put(String key, byte[] value) {
        return put(key, value, 0);
    }

    /** Puts a value attached to a lease, so it is deleted when the lease ends; 0 for none. */
    public Transaction put(String key, byte[] value, long leaseId) {
        operations.add(new Operation(Kind.PUT, Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(value, "value"), leaseId));
        return this;
    }

    /** Deletes a key; deleting an absent key is not an error. */
    public Transaction delete(String key) {
        operations.add(new Operation(Kind.DELETE, Objects.requireNonNull(key, "key"), null, 0));
        return this;
    }

    public List<Condition> conditions() {
        return List.copyOf(conditions);
    }

    public List<Operation> operations() {
        return List.copyOf(operations);
    }
}
