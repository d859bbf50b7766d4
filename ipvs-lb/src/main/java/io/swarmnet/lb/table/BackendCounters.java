package io.swarmnet.lb.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The flow counters of one backend of one VIP: flows it has now and flows it was given.
 * They outlive table snapshots: a {@link ServiceTable.Builder} given the previous table
 * hands the same instance to the same backend (VNI, VIP, backend address).
 *
 * <p>Written only by the data path's event loop with opaque stores, read by anyone.
 * WARNING: only the owning event loop may call the increments.
 */
public final class BackendCounters {
    private static final VarHandle ACTIVE;
    private static final VarHandle PICKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ACTIVE = l.findVarHandle(BackendCounters.class, "active", long.class);
            PICKS = l.findVarHandle(BackendCounters.class, "picks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long active;
    @SuppressWarnings("unused")
    private long picks;

    /** Returns the flows in the conntrack table that go to this backend. */
    public long activeFlows() {
        return (long) ACTIVE.getOpaque(this);
    }

    /** Returns the new flows the scheduler gave this backend. */
    public long picks() {
        return (long) PICKS.getOpaque(this);
    }

    /** Counts a new flow to this backend; event loop only. */
    public void flowOpened() {
        ACTIVE.setOpaque(this, (long) ACTIVE.getOpaque(this) + 1);
        PICKS.setOpaque(this, (long) PICKS.getOpaque(this) + 1);
    }

    /** Counts a flow to this backend leaving the table; event loop only. */
    public void flowClosed() {
        ACTIVE.setOpaque(this, (long) ACTIVE.getOpaque(this) - 1);
    }
}
