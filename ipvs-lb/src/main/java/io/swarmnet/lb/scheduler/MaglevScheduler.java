package io.swarmnet.lb.scheduler;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4): a lookup table of M slots,
 * M prime, filled from each backend's own permutation of the slots, so every backend owns
 * about M/N slots and adding or removing one backend moves few flows of the others.
 *
 * <p>A flow's client address and port pick a slot; the same client lands on the same
 * backend as long as the backends stay, even across conntrack loss (an agent restart).
 * A backend's permutation derives from its address, its identity across table snapshots.
 * M is the smallest of a few primes at least 100 times the number of backends (the paper's
 * advice for an imbalance under 1%), at most {@value #MAX_TABLE}.
 */
public final class MaglevScheduler implements Scheduler {
    static final int[] PRIMES = {251, 1021, 4093, 16381, 65521};
    static final int MAX_TABLE = 65521;

    private final int[] table;
    private final int size;

    /** Builds one over {@code candidates}, identified by their addresses {@code ips}. */
    public MaglevScheduler(int[] candidates, int[] ips) {
        this(candidates, ips, tableSize(candidates.length));
    }

    MaglevScheduler(int[] candidates, int[] ips, int m) {
        this.size = candidates.length;
        int n = candidates.length;
        if (n == 0) {
            this.table = new int[0];
            return;
        }
        int[] offset = new int[n];
        int[] skip = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            long h = mix(ips[i] & 0xFFFF_FFFFL);
            offset[i] = (int) Long.remainderUnsigned(h, m);
            skip[i] = (int) Long.remainderUnsigned(mix(h ^ 0x5851_F42D_4C95_7F2DL), m - 1) + 1;
        }
        int[] entry = new int[m];
        java.util.Arrays.fill(entry, -1);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                int c = (int) ((offset[i] + (long) next[i] * skip[i]) % m);
                while (entry[c] >= 0) {
                    next[i]++;
                    c = (int) ((offset[i] + (long) next[i] * skip[i]) % m);
                }
                entry[c] = candidates[i];
                next[i]++;
                if (++filled == m) {
                    this.table = entry;
                    return;
                }
            }
        }
    }

    static int tableSize(int backends) {
        for (int p : PRIMES) {
            if (p >= 100L * backends) {
                return p;
            }
        }
        return MAX_TABLE;
    }

    @Override
    public int pick(int flowHash) {
        int m = table.length;
        if (m == 0) {
            return NONE;
        }
        return table[Integer.remainderUnsigned(flowHash, m)];
    }

    @Override
    public int size() {
        return size;
    }

    /** Returns the lookup table's size M. */
    int tableLength() {
        return table.length;
    }

    /** Returns the backend slot {@code i} of the lookup table maps to. */
    int slot(int i) {
        return table[i];
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
