package io.swarmnet.control.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every store's lease shares: its id, TTL, listener and the one-way state machine
 * (alive and unreachable may alternate; expired, revoked and closed are final).
 */
abstract class AbstractLease implements Lease {
    final long id;
    final Duration ttl;
    final LeaseListener listener;
    final AtomicReference<State> state = new AtomicReference<>(State.ALIVE);

    AbstractLease(long id, Duration ttl, LeaseListener listener) {
        this.id = id;
        this.ttl = ttl;
        this.listener = listener;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public State state() {
        return state.get();
    }

    /** Moves to {@code next} unless the lease already ended; returns whether it moved. */
    final boolean moveTo(State next) {
        while (true) {
            State current = state.get();
            if (current == State.EXPIRED || current == State.REVOKED || current == State.CLOSED) {
                return false;
            }
            if (state.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
