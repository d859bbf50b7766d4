package io.swarmnet.node.reconcile;

import java.io.IOException;

/** A target that fails the applies its {@link Faults} say, and passes the others to {@code delegate}. */
final class FaultyTarget<T> implements Target<T> {
    final Faults faults = new Faults();
    private final Target<T> delegate;

    FaultyTarget(Target<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void apply(T desired) throws IOException {
        faults.check();
        delegate.apply(desired);
    }
}
