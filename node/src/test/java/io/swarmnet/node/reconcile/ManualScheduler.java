package io.swarmnet.node.reconcile;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A scheduler on a clock the test moves: nothing runs until {@link #advance} or {@link #runDue}. */
final class ManualScheduler implements ReconcileScheduler {
    private record Job(long dueMillis, long sequence, Runnable task) {
    }

    private final PriorityQueue<Job> jobs = new PriorityQueue<>(
            Comparator.comparingLong(Job::dueMillis).thenComparingLong(Job::sequence));
    private long nowMillis;
    private long sequence;
    private boolean closed;

    @Override
    public void schedule(Runnable task, Duration delay) {
        if (!closed) {
            jobs.add(new Job(nowMillis + delay.toMillis(), sequence++, task));
        }
    }

    /** Moves the clock by {@code by}, running every job due on the way, in due order. */
    void advance(Duration by) {
        long until = nowMillis + by.toMillis();
        while (!jobs.isEmpty() && jobs.peek().dueMillis() <= until) {
            Job job = jobs.poll();
            nowMillis = job.dueMillis();
            job.task().run();
        }
        nowMillis = until;
    }

    /** Runs what is due now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Jobs waiting for their time. */
    int pending() {
        return jobs.size();
    }

    @Override
    public void close() {
        closed = true;
        jobs.clear();
    }
}
