package io.swarmnet.packet;

import java.util.Arrays;

/**
 * An open-addressing map from non-negative {@code long} keys to {@code long} values, for
 * lookups on the packet path without boxing: a MAC in the low 48 bits, an IPv4 address as
 * an unsigned 32-bit value, a VNI.
 *
 * <p>Linear probing over a power-of-two table kept at most half full; Fibonacci hashing
 * spreads the keys, which share their high bits (MACs of one network all start 02:42).
 * Filled by {@link #put} while a table is built, then only read: the tables that own it
 * (the overlay's FDB and ARP, the load balancer's VIP and backend indexes) are published
 * through a volatile reference, so readers on other threads see it complete.
 * WARNING: never {@link #put} into a map that has been published.
 */
public final class LongLongMap {
    /** Marks a free slot; keys are never negative. */
    private static final long FREE = -1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long[] keys;
    private long[] values;
    private int shift;
    private int size;

    public LongLongMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, FREE);
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    public int size() {
        return size;
    }

    /** Returns the value for {@code key}, or {@code missing} if there is none. */
    public long get(long key, long missing) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long found = k[i];
            if (found == key) {
                return values[i];
            }
            if (found == FREE) {
                return missing;
            }
        }
    }

    public boolean containsKey(long key) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long found = k[i];
            if (found == key) {
                return true;
            }
            if (found == FREE) {
                return false;
            }
        }
    }

    /** Maps {@code key} to {@code value}, replacing an earlier value. */
    public void put(long key, long value) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == FREE) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    /** Calls {@code visitor} for every entry, in no particular order. */
    public void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    /** Receives the entries of {@link #forEach}. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long key, long value);
    }

    private int slot(long key) {
        return (int) ((key * GOLDEN) >>> shift);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
