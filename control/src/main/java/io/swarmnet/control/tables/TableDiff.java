package io.swarmnet.control.tables;

import java.util.Map;
import java.util.Set;

/**
 * The changes between two versions of a {@link Table}, as a reconciler applies them:
 * write every upsert (replace semantics, so a retry is safe), delete every removal
 * (deleting what is absent is not an error).
 *
 * @param upserts  entries that are new or changed
 * @param removals keys no longer wanted
 */
public record TableDiff<K, V>(Map<K, V> upserts, Set<K> removals) {
    private static final TableDiff<?, ?> NONE = new TableDiff<>(Map.of(), Set.of());

    public TableDiff {
        upserts = Map.copyOf(upserts);
        removals = Set.copyOf(removals);
    }

    @SuppressWarnings("unchecked")
    public static <K, V> TableDiff<K, V> none() {
        return (TableDiff<K, V>) NONE;
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && removals.isEmpty();
    }
}
