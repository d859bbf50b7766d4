package io.swarmnet.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The load balancer's node-wide counters: flows opened, scheduler picks, resets sent,
 * echo replies, translated packets, and drops by {@link LbDropReason}. Per-backend counts
 * are on each backend ({@code BackendCounters}); table occupancy is on the conntrack table.
 *
 * <p>Written only by the data path's event loop with opaque stores, read by anyone (a
 * scrape) with opaque loads. WARNING: only the owning event loop may call the increments.
 */
public final class LbCounters {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int NEW_FLOWS = 0;
    static final int PICKS = 1;
    static final int RESETS = 2;
    static final int ECHO_REPLIES = 3;
    static final int FORWARD_PACKETS = 4;
    static final int REPLY_PACKETS = 5;
    static final int REPICKS = 6;
    private static final int DROPS = 7;

    private final long[] slots = new long[DROPS + LbDropReason.values().length];

    /** Returns the flows opened: first packets to a VIP that got a backend and a conntrack entry. */
    public long newFlows() {
        return read(NEW_FLOWS);
    }

    /** Returns the scheduler's picks: new flows plus UDP flows moved off a removed backend. */
    public long picks() {
        return read(PICKS);
    }

    /** Returns the UDP flows moved to another backend because theirs was removed. */
    public long repicks() {
        return read(REPICKS);
    }

    /** Returns the TCP RSTs sent to clients (removed backend, no backend). */
    public long resets() {
        return read(RESETS);
    }

    /** Returns the ICMP echo requests to a VIP answered. */
    public long echoReplies() {
        return read(ECHO_REPLIES);
    }

    /** Returns the packets to a VIP rewritten to their backend. */
    public long forwardPackets() {
        return read(FORWARD_PACKETS);
    }

    /** Returns the reply packets rewritten back to come from the VIP. */
    public long replyPackets() {
        return read(REPLY_PACKETS);
    }

    /** Returns the drops for {@code reason}. */
    public long drops(LbDropReason reason) {
        return read(DROPS + reason.ordinal());
    }

    void add(int slot, long n) {
        SLOTS.setOpaque(slots, slot, slots[slot] + n);
    }

    void drop(LbDropReason reason) {
        add(DROPS + reason.ordinal(), 1);
    }

    private long read(int slot) {
        return (long) SLOTS.getOpaque(slots, slot);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LbCounters(new ").append(newFlows()).append(", picks ").append(picks())
                .append(", resets ").append(resets()).append(", echo ").append(echoReplies())
                .append(", forward ").append(forwardPackets()).append(", reply ").append(replyPackets());
        for (LbDropReason reason : LbDropReason.values()) {
            if (drops(reason) != 0) {
                s.append(", ").append(reason).append(' ').append(drops(reason));
            }
        }
        return s.append(')').toString();
    }
}
