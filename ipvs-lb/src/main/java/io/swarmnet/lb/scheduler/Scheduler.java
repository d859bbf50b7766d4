package io.swarmnet.lb.scheduler;

/**
 * Picks the backend of a new flow among a service's active backends.
 *
 * <p>Built once per service table snapshot over the backends that take new flows; draining
 * backends are simply not among the candidates. {@link #pick} returns the index the
 * candidate had in the service's backend list, so the caller never maps indices.
 * WARNING: round-robin schedulers keep a cursor; only the event-loop thread that owns the
 * data path may call {@link #pick}.
 */
public interface Scheduler {
    /** What {@link #pick} returns when there is no active backend. */
    int NONE = -1;

    /**
     * Returns the backend index for a new flow whose client address and port hash to
     * {@code flowHash} (only consistent-hashing schedulers look at it), or {@link #NONE}.
     */
    int pick(int flowHash);

    /** Returns the number of backends it picks from. */
    int size();

    /**
     * Returns where a round-robin scheduler is in its turn (0 for the others), so the
     * scheduler of the next table snapshot can go on from there rather than start over at
     * the first backend at every publish. Read from another thread it may be stale, which
     * only shifts where the next turn starts.
     */
    default int cursor() {
        return 0;
    }

    /**
     * Builds a scheduler of {@code type} over the backends {@code candidates} names (their
     * indices in the service's list), with their {@code weights} (1 or more) and addresses
     * {@code ips} (a backend's stable identity for consistent hashing), all three parallel.
     */
    static Scheduler create(SchedulerType type, int[] candidates, int[] weights, int[] ips) {
        return create(type, candidates, weights, ips, 0);
    }

    /** Builds a scheduler as {@link #create(SchedulerType, int[], int[], int[])} does, its turn starting at {@code cursor}. */
    static Scheduler create(SchedulerType type, int[] candidates, int[] weights, int[] ips, int cursor) {
        if (candidates.length != weights.length || candidates.length != ips.length) {
            throw new IllegalArgumentException("candidates, weights and ips differ in length");
        }
        switch (type) {
            case WRR:
                return new WeightedRoundRobinScheduler(candidates, weights, cursor);
            case MAGLEV:
                return new MaglevScheduler(candidates, ips);
            default:
                return new RoundRobinScheduler(candidates, cursor);
        }
    }
}
