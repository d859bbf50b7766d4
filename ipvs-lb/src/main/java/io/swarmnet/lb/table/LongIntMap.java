package io.swarmnet.lb.table;

import java.util.Arrays;

/**
 * An open-addressing map from non-negative {@code long} keys to {@code int} values, for
 * lookups on the packet path without boxing. Linear probing over a power-of-two table at
 * most half full, Fibonacci hashing. Filled while a table is built, then only read.
 * WARNING: never {@link #put} into a map that has been published.
 */
final class LongIntMap {
    private static final long FREE = -1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long[] keys;
    private final int[] values;
    private final int shift;
    private int size;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(keys, FREE);
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    int size() {
        return size;
    }

    /** Puts {@code key}, which must be non-negative; the map never grows past the size it was made for. */
    void put(long key, int value) {
        int mask = keys.length - 1;
        int i = (int) ((key * GOLDEN) >>> shift);
        while (keys[i] != FREE && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == FREE) {
            if (size + 1 > keys.length / 2) {
                throw new IllegalStateException("map is full");
            }
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    int get(long key, int absent) {
        int mask = keys.length - 1;
        int i = (int) ((key * GOLDEN) >>> shift);
        long k;
        while ((k = keys[i]) != FREE) {
            if (k == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return absent;
    }
}
