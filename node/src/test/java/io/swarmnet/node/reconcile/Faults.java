package io.swarmnet.node.reconcile;

import java.io.IOException;

/** Fails the next N calls that check it with a given exception, then lets calls through. */
final class Faults {
    private int remaining;
    private Exception failure;

    /** Makes the next {@code times} checks throw {@code failure}, an IOException or a RuntimeException. */
    void failNext(int times, Exception failure) {
        if (!(failure instanceof IOException) && !(failure instanceof RuntimeException)) {
            throw new IllegalArgumentException("a target fails with an IOException or a RuntimeException, not " + failure);
        }
        this.remaining = times;
        this.failure = failure;
    }

    void check() throws IOException {
        if (remaining == 0) {
            return;
        }
        remaining--;
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }
}
