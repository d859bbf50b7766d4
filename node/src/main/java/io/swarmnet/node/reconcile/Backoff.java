package io.swarmnet.node.reconcile;

import java.time.Duration;

/**
 * The delay before the next retry of a failed reconcile: {@code initial}, doubling after
 * each further failure up to {@code max}, back to {@code initial} after a success. Not
 * thread-safe; the reconciler uses it under its lock.
 */
public final class Backoff {
    /** 100 ms doubling to 10 s: quick after a transient failure, quiet while one lasts. */
    public static final Duration INITIAL = Duration.ofMillis(100);
    public static final Duration MAX = Duration.ofSeconds(10);

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The delay to wait now; the one after it is twice as long, up to the cap. */
    public Duration next() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** Starts again from the initial delay, after a success. */
    public void reset() {
        next = initial;
    }
}
