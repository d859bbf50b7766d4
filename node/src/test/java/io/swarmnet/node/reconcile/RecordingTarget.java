package io.swarmnet.node.reconcile;

import java.util.ArrayList;
import java.util.List;

/** A target in memory: records every value applied to it, in order. */
final class RecordingTarget<T> implements Target<T> {
    final List<T> applied = new ArrayList<>();

    @Override
    public void apply(T desired) {
        applied.add(desired);
    }

    /** What the target holds now. */
    T last() {
        if (applied.isEmpty()) {
            throw new AssertionError("nothing was applied");
        }
        return applied.get(applied.size() - 1);
    }
}
