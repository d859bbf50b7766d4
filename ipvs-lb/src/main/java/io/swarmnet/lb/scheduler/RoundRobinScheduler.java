package io.swarmnet.lb.scheduler;

/** Round-robin: each new flow goes to the next active backend in turn. */
public final class RoundRobinScheduler implements Scheduler {
    private final int[] candidates;
    private int next;

    /** Builds one over {@code candidates}, backend indices in the service's list. */
    public RoundRobinScheduler(int[] candidates) {
        this(candidates, 0);
    }

    /** Builds one over {@code candidates} whose turn starts at {@code cursor} (any value; taken modulo their number). */
    public RoundRobinScheduler(int[] candidates, int cursor) {
        this.candidates = candidates.clone();
        this.next = candidates.length == 0 ? 0 : Math.floorMod(cursor, candidates.length);
    }

    @Override
    public int pick(int flowHash) {
        int n = candidates.length;
        if (n == 0) {
            return NONE;
        }
        int i = next;
        next = i + 1 == n ? 0 : i + 1;
        return candidates[i];
    }

    @Override
    public int size() {
        return candidates.length;
    }

    @Override
    public int cursor() {
        return next;
    }
}
