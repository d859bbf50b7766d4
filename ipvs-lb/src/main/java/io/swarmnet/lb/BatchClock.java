package io.swarmnet.lb;

import java.util.function.LongSupplier;

/**
 * A clock read once per batch of packets: the first reading after {@link #endBatch} asks the
 * source, and later readings return that value until the batch ends.
 *
 * <p>Why: {@code System.nanoTime()} costs about 20 ns here, and it waits for the loads
 * before it (the TSC read is ordered), so a conntrack lookup that misses the caches cannot
 * overlap the next packet's work. Flow timeouts are seconds long; a reading as old as one
 * receive batch (microseconds) changes none of them.
 *
 * <p>WARNING: owned by one thread, the data path's event loop. Every unit of work that
 * reads it must end with {@link #endBatch}, or the next one reads an old time.
 */
public final class BatchClock implements LongSupplier {
    private final LongSupplier source;
    private long now;
    private boolean read;

    /** Makes a clock over {@code source}, in nanoseconds ({@code System::nanoTime}). */
    public BatchClock(LongSupplier source) {
        this.source = source;
    }

    /** Returns the time of this batch, reading the source on the batch's first call. */
    @Override
    public long getAsLong() {
        if (!read) {
            now = source.getAsLong();
            read = true;
        }
        return now;
    }

    /** Ends the batch: the next reading asks the source again. */
    public void endBatch() {
        read = false;
    }
}
