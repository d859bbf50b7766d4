package io.swarmnet.lb.scheduler;

/**
 * Weighted round-robin: over any run of W = sum of weights picks, each backend gets its
 * weight's share, interleaved rather than in bursts.
 *
 * <p>The sequence is nginx's smooth weighted round-robin, computed once when the table is
 * built (weights are divided by their GCD first), so a pick is one array read. Weights are
 * capped so that the sequence stays at most {@value #MAX_SEQUENCE} long; the ratios of
 * capped weights are kept approximately.
 */
public final class WeightedRoundRobinScheduler implements Scheduler {
    /** Longest precomputed sequence: 64 K picks, 256 KiB. */
    static final int MAX_SEQUENCE = 1 << 16;

    private final int[] sequence;
    private final int size;
    private int next;

    /** Builds one over {@code candidates} with their {@code weights}, each 1 or more. */
    public WeightedRoundRobinScheduler(int[] candidates, int[] weights) {
        this(candidates, weights, 0);
    }

    /** Builds one whose turn starts at {@code cursor} (any value; taken modulo the sequence's length). */
    public WeightedRoundRobinScheduler(int[] candidates, int[] weights, int cursor) {
        int n = candidates.length;
        this.size = n;
        long[] w = new long[n];
        long total = 0;
        int gcd = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] < 1) {
                throw new IllegalArgumentException("weight " + weights[i] + " is below 1");
            }
            gcd = gcd(gcd, weights[i]);
        }
        for (int i = 0; i < n; i++) {
            w[i] = weights[i] / gcd;
            total += w[i];
        }
        if (total > MAX_SEQUENCE) {
            double scale = (double) MAX_SEQUENCE / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(1, (long) (w[i] * scale));
                total += w[i];
            }
        }
        this.sequence = new int[(int) total];
        long[] current = new long[n];
        for (int s = 0; s < total; s++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[s] = candidates[best];
        }
        this.next = sequence.length == 0 ? 0 : Math.floorMod(cursor, sequence.length);
    }

    @Override
    public int pick(int flowHash) {
        int n = sequence.length;
        if (n == 0) {
            return NONE;
        }
        int i = next;
        next = i + 1 == n ? 0 : i + 1;
        return sequence[i];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int cursor() {
        return next;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
