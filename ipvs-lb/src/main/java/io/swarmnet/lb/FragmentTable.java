package io.swarmnet.lb;

/**
 * Where the later fragments of a fragmented datagram go: only the first fragment carries
 * the ports that conntrack and the scheduler need, so its translation is remembered here
 * under what every fragment of the datagram shares (RFC 791: source, destination, protocol,
 * identification), with the network and the direction, and applied to the fragments that
 * follow. IPVS gets the same from the kernel's defragmentation before it; here nothing is
 * reassembled or held back: a fragment is rewritten and sent on at once.
 *
 * <p>A fixed direct-mapped table of {@value #SLOTS} entries, each living
 * {@value #LIFETIME_NANOS} ns: a sender emits a datagram's fragments back to back, so an
 * entry is needed for microseconds, and a newer datagram that lands on the same slot
 * replaces it (its later fragments then find the newer entry's key, not theirs, and are
 * dropped and counted). A later fragment that arrives before its first one is dropped too.
 * Nothing allocates after construction.
 *
 * <p>WARNING: owned by the event loop of its {@link NatStage}.
 */
final class FragmentTable {
    static final int SLOTS = 1024;
    static final long LIFETIME_NANOS = 2_000_000_000L;
    private static final long REPLY = 1L << 63;

    private final long[] keyA = new long[SLOTS];
    private final long[] keyB = new long[SLOTS];
    private final long[] expires = new long[SLOTS];
    private final int[] address = new int[SLOTS];
    private final long[] mac = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];

    /** The key's first half: source and destination address, as on the wire. */
    static long keyA(int src, int dst) {
        return ((long) src << 32) | (dst & 0xFFFF_FFFFL);
    }

    /** The key's second half: direction, network, protocol and identification. */
    static long keyB(boolean reply, int vni, int protocol, int identification) {
        return (reply ? REPLY : 0) | ((long) vni << 24) | ((long) protocol << 16) | identification;
    }

    /**
     * Remembers that the fragments keyed ({@code a}, {@code b}) get {@code newAddress} and
     * {@code newMac}, until {@code now} plus the lifetime.
     */
    void put(long a, long b, int newAddress, long newMac, long now) {
        int i = slot(a, b);
        keyA[i] = a;
        keyB[i] = b;
        address[i] = newAddress;
        mac[i] = newMac;
        expires[i] = now + LIFETIME_NANOS;
        used[i] = true;
    }

    /** Returns the slot of the live entry keyed ({@code a}, {@code b}), or -1. */
    int find(long a, long b, long now) {
        int i = slot(a, b);
        return used[i] && keyA[i] == a && keyB[i] == b && expires[i] - now > 0 ? i : -1;
    }

    int address(int slot) {
        return address[slot];
    }

    long mac(int slot) {
        return mac[slot];
    }

    private static int slot(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L ^ b;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return (int) (z ^ (z >>> 29)) & (SLOTS - 1);
    }
}
