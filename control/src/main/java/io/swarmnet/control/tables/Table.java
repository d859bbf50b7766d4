package io.swarmnet.control.tables;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One immutable desired-state table: entries by key, equal to another table with the same
 * entries, and diffable against an older table so a reconciler applies only the changes.
 *
 * @param <K> the key, a record (value equality)
 * @param <V> the entry, a record or another value type
 */
public final class Table<K, V> {
    private static final Table<?, ?> EMPTY = new Table<>(Map.of());

    private final Map<K, V> entries;
    private final int hash;

    private Table(Map<K, V> entries) {
        this.entries = entries;
        this.hash = entries.hashCode();
    }

    @SuppressWarnings("unchecked")
    public static <K, V> Table<K, V> empty() {
        return (Table<K, V>) EMPTY;
    }

    /** A table of a copy of {@code entries}. */
    public static <K, V> Table<K, V> of(Map<K, V> entries) {
        return entries.isEmpty() ? empty() : new Table<>(Collections.unmodifiableMap(new HashMap<>(entries)));
    }

    /**
     * A table over {@code entries} itself, without a copy, for a builder that hands its map
     * over. WARNING: the caller must never touch the map again; the table would change.
     */
    static <K, V> Table<K, V> owning(Map<K, V> entries) {
        return entries.isEmpty() ? empty() : new Table<>(Collections.unmodifiableMap(entries));
    }

    /** The entries; unmodifiable. */
    public Map<K, V> entries() {
        return entries;
    }

    /** The entry of {@code key}, null when there is none. */
    public V get(K key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** What a target holding {@code previous} must change to hold this table. */
    public TableDiff<K, V> diffFrom(Table<K, V> previous) {
        if (previous == this || previous.equals(this)) {
            return TableDiff.none();
        }
        Map<K, V> upserts = new HashMap<>();
        for (Map.Entry<K, V> e : entries.entrySet()) {
            if (!e.getValue().equals(previous.entries.get(e.getKey()))) {
                upserts.put(e.getKey(), e.getValue());
            }
        }
        Set<K> removals = new HashSet<>();
        for (K key : previous.entries.keySet()) {
            if (!entries.containsKey(key)) {
                removals.add(key);
            }
        }
        return new TableDiff<>(upserts, removals);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Table<?, ?> t && hash == t.hash && entries.equals(t.entries));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
