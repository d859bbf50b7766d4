package io.swarmnet.lb.conntrack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The connection tracker of the load balancer: flows keyed by their 5-tuple and VNI, found
 * from either direction (client to VIP, backend to client), in preallocated primitive arrays.
 *
 * <p>Layout. Each flow is a slot of {@value #STRIDE} longs in one array, so a flow's fields
 * share one or two cache lines: the forward key (client, VIP, VNI, protocol, ports), the
 * backend, the MACs a translation writes, the TCP state, the expiry time and a cache of
 * where its backend sits in the current service table. An open-addressing index (linear
 * probing, at most half full, backward-shift deletion, no tombstones) holds two entries per
 * flow, forward and reply, each with 32 bits of its hash, so a lookup reads the flow's
 * slot only when the hash matches. Beside it, a byte per entry (empty, or 7 bits of the
 * hash) is what a lookup probes first: an eighth of the index's size, so for a new flow
 * (a lookup that misses) it usually stays in the caches where the index would not, and the
 * index is read only for the 1 in 128 entries whose tag matches by chance. Nothing
 * allocates after construction.
 *
 * <p>Bounds. The table never grows: when every slot is taken a new flow is refused (the
 * caller drops and counts it) and existing flows go on. Embryonic TCP flows (a SYN without
 * a completed handshake) have their own budget, a FIFO ring: a new embryonic flow that
 * finds the ring full evicts the oldest embryonic flow if it is still embryonic, so a SYN
 * flood churns embryonic slots among itself and never takes a slot of an established flow.
 * Entries expire on time: {@link #find} drops an expired flow it meets, and {@link #sweep}
 * walks a bounded number of slots per call.
 *
 * <p>WARNING: owned by one thread, the data path's event loop; no method may be called
 * from another, except the counter getters ({@link #size()}, ...), which read opaque values.
 */
public final class ConntrackTable {
    /** What {@link #find} and {@link #insert} return for no flow. */
    public static final int NONE = -1;

    /** State of a free slot. */
    public static final int FREE = 0;
    /** A UDP flow. */
    public static final int UDP = 1;
    /** TCP: the client's SYN was seen (or a first mid-stream segment), nothing from the backend yet. */
    public static final int TCP_SYN_SENT = 2;
    /** TCP: the backend answered; the handshake awaits the client's ACK. */
    public static final int TCP_SYN_RECV = 3;
    /** TCP: the handshake completed. */
    public static final int TCP_ESTABLISHED = 4;
    /** TCP: a FIN was seen from either side. */
    public static final int TCP_FIN_WAIT = 5;
    /** TCP: a RST was seen, or both FINs. */
    public static final int TCP_CLOSE = 6;

    /** Flag: the client sent a FIN. */
    public static final int FLAG_CLIENT_FIN = 1;
    /** Flag: the backend sent a FIN. */
    public static final int FLAG_BACKEND_FIN = 2;

    static final int STRIDE = 8;
    private static final int CLIENT_VIP = 0;
    private static final int TUPLE = 1;
    private static final int BACKEND = 2;
    private static final int BACKEND_MAC = 3;
    private static final int CLIENT_MAC = 4;
    private static final int VIP_MAC = 5;
    private static final int EXPIRES = 6;
    private static final int CACHE = 7;

    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    private static final long REPLY = 1L << 63;
    private static final VarHandle STATS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SIZE = 0;
    private static final int EMBRYONIC = 1;
    private static final int EVICTIONS = 2;
    private static final int EXPIRED = 3;

    private final int capacity;
    private final long[] flows;
    private final int[] nextFree;
    private int freeHead;
    private final long[] index;
    /** A byte per index entry: 0 when empty, else 7 bits of the entry's hash; see the class comment. */
    private final byte[] tags;
    private final int indexMask;
    private final long[] ring;
    private int ringHead;
    private int ringCount;
    private int hand;
    private final long[] stats = new long[4];
    private final Listener listener;
    /**
     * Flows per bucket of client address, and per bucket of client address and port (hashes
     * of them): what {@link #mayHaveFlowsTo} reads from other threads. Written by the owner
     * with release semantics, after a flow's insertion and after its removal, so a thread
     * that sees a frame the owner sent for a new flow sees its buckets counted.
     */
    private final int[] clientBuckets = new int[CLIENT_BUCKETS];
    private final int[] endpointBuckets = new int[ENDPOINT_BUCKETS];
    private static final int CLIENT_BUCKETS = 4096;
    private static final int ENDPOINT_BUCKETS = 65536;
    private static final VarHandle BUCKETS = MethodHandles.arrayElementVarHandle(int[].class);

    /** Told about each flow just before it leaves the table, whatever the reason. */
    public interface Listener {
        /** Flow {@code slot} is about to be freed; its fields are still readable. */
        void removing(int slot);
    }

    /**
     * Makes a table of {@code capacity} flows (1 to 2^28), of which at most
     * {@code embryonicBudget} (1 to capacity) are embryonic TCP flows.
     */
    public ConntrackTable(int capacity, int embryonicBudget, Listener listener) {
        if (capacity < 1 || capacity > 1 << 28) {
            throw new IllegalArgumentException("conntrack capacity " + capacity + " is outside 1..2^28");
        }
        if (embryonicBudget < 1 || embryonicBudget > capacity) {
            throw new IllegalArgumentException("embryonic budget " + embryonicBudget + " is outside 1.." + capacity);
        }
        this.capacity = capacity;
        this.listener = listener;
        this.flows = new long[capacity * STRIDE];
        this.nextFree = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        this.freeHead = 0;
        // Two entries per flow, at most half full.
        int size = Integer.highestOneBit(capacity * 4 - 1) << 1;
        this.index = new long[size];
        this.tags = new byte[size];
        this.indexMask = size - 1;
        this.ring = new long[embryonicBudget];
    }

    /** Returns the forward key's first half: client address and VIP. */
    public static long forwardA(int clientIp, int vip) {
        return ((long) clientIp << 32) | (vip & 0xFFFF_FFFFL);
    }

    /** Returns the forward key's second half: VNI, protocol, client port, VIP port. */
    public static long forwardB(int vni, int protocol, int clientPort, int vipPort) {
        return ((long) vni << 40) | ((long) protocol << 32) | ((long) clientPort << 16) | vipPort;
    }

    /** Returns the reply key's first half: backend address and client address. */
    public static long replyA(int backendIp, int clientIp) {
        return ((long) backendIp << 32) | (clientIp & 0xFFFF_FFFFL);
    }

    /** Returns the reply key's second half: VNI, protocol, backend (= VIP) port, client port. */
    public static long replyB(int vni, int protocol, int backendPort, int clientPort) {
        return REPLY | ((long) vni << 40) | ((long) protocol << 32) | ((long) backendPort << 16) | clientPort;
    }

    /**
     * Returns the flow with key ({@code a}, {@code b}), forward or reply, or {@link #NONE};
     * a flow that expired before {@code now} (nanoseconds) is removed and not returned.
     */
    public int find(long a, long b, long now) {
        int h = hash(a, b);
        byte tag = tag(h);
        int i = h & indexMask;
        byte t;
        while ((t = tags[i]) != 0) {
            if (t == tag) {
                long e = index[i];
                int ref = (int) e - 1;
                int slot = ref >>> 1;
                if ((int) (e >>> 32) == h && keyA(slot, ref & 1) == a && keyB(slot, ref & 1) == b) {
                    if (flows[slot * STRIDE + EXPIRES] - now < 0) {
                        remove(slot);
                        stat(EXPIRED, 1);
                        return NONE;
                    }
                    return slot;
                }
            }
            i = (i + 1) & indexMask;
        }
        return NONE;
    }

    /**
     * Adds a flow in {@code state}, expiring at {@code expires}; returns its slot, or
     * {@link #NONE} when the table is full (an embryonic flow first evicts the oldest
     * embryonic one when there are any). The caller must have checked that no flow with
     * this key exists.
     */
    public int insert(int vni, int protocol, int clientIp, int clientPort, int vip, int vipPort, long clientMac,
                      long vipMac, int backendIp, long backendMac, int state, long expires) {
        boolean embryonic = isEmbryonic(state);
        if (embryonic && ringCount == ring.length) {
            evictOldestEmbryonic(1);
        }
        if (freeHead == NONE && !(embryonic && evictOldestEmbryonic(ringCount))) {
            return NONE;
        }
        int slot = freeHead;
        freeHead = nextFree[slot];
        int f = slot * STRIDE;
        int generation = (int) (flows[f + CLIENT_MAC] >>> 48) + 1;
        flows[f + CLIENT_VIP] = forwardA(clientIp, vip);
        flows[f + TUPLE] = forwardB(vni, protocol, clientPort, vipPort);
        flows[f + BACKEND] = (long) backendIp << 32;
        flows[f + BACKEND_MAC] = (backendMac & MAC_MASK) | ((long) state << 48);
        flows[f + CLIENT_MAC] = (clientMac & MAC_MASK) | ((long) (generation & 0xFFFF) << 48);
        flows[f + VIP_MAC] = vipMac & MAC_MASK;
        flows[f + EXPIRES] = expires;
        flows[f + CACHE] = -1L;
        link(slot, 0);
        link(slot, 1);
        countClient(clientIp, clientPort, 1);
        stat(SIZE, 1);
        if (embryonic) {
            ring[(ringHead + ringCount) % ring.length] = ((long) (generation & 0xFFFF) << 32) | slot;
            ringCount++;
            stat(EMBRYONIC, 1);
        }
        return slot;
    }

    /** Removes flow {@code slot}, telling the listener first. */
    public void remove(int slot) {
        listener.removing(slot);
        unlink(slot, 0);
        unlink(slot, 1);
        int f = slot * STRIDE;
        if (isEmbryonic(state(slot))) {
            stat(EMBRYONIC, -1);
        }
        flows[f + BACKEND_MAC] = 0;
        nextFree[slot] = freeHead;
        freeHead = slot;
        countClient(clientIp(slot), clientPort(slot), -1);
        stat(SIZE, -1);
    }

    /**
     * Returns whether a flow of this table may have {@code ip} as its client, so that a
     * frame to {@code ip} may need the reverse translation: false means no flow has, true
     * that one may (addresses share buckets). Safe from any thread; see {@link #clientBuckets}.
     */
    public boolean mayHaveFlowsTo(int ip) {
        return (int) BUCKETS.getAcquire(clientBuckets, clientBucket(ip)) != 0;
    }

    /**
     * Returns whether a flow of this table may have {@code ip} and {@code port} as its
     * client's end: finer than {@link #mayHaveFlowsTo(int)}, for a frame whose ports are
     * known (TCP or UDP, not a later fragment), so a client's other traffic is not taken
     * for its flows'. Safe from any thread.
     */
    public boolean mayHaveFlowsTo(int ip, int port) {
        return (int) BUCKETS.getAcquire(endpointBuckets, endpointBucket(ip, port)) != 0;
    }

    private void countClient(int ip, int port, int delta) {
        int b = clientBucket(ip);
        BUCKETS.setRelease(clientBuckets, b, clientBuckets[b] + delta);
        int e = endpointBucket(ip, port);
        BUCKETS.setRelease(endpointBuckets, e, endpointBuckets[e] + delta);
    }

    private static int clientBucket(int ip) {
        return (ip * 0x9E3779B1) >>> (32 - 12);
    }

    private static int endpointBucket(int ip, int port) {
        return ((ip ^ (port * 0x85EBCA6B)) * 0x9E3779B1) >>> (32 - 16);
    }

    /**
     * Removes flows that expired before {@code now}, looking at no more than
     * {@code maxSlots} slots from where the last call stopped; returns how many it removed.
     */
    public int sweep(long now, int maxSlots) {
        int removed = 0;
        for (int n = Math.min(maxSlots, capacity); n > 0; n--) {
            int slot = hand;
            hand = slot + 1 == capacity ? 0 : slot + 1;
            if (state(slot) != FREE && flows[slot * STRIDE + EXPIRES] - now < 0) {
                remove(slot);
                stat(EXPIRED, 1);
                removed++;
            }
        }
        return removed;
    }

    /** Moves flow {@code slot} to another backend (a UDP flow whose backend went away), re-keying its reply direction. */
    public void rebind(int slot, int backendIp, long backendMac) {
        unlink(slot, 1);
        int f = slot * STRIDE;
        flows[f + BACKEND] = (long) backendIp << 32;
        flows[f + BACKEND_MAC] = (flows[f + BACKEND_MAC] & ~MAC_MASK) | (backendMac & MAC_MASK);
        flows[f + CACHE] = -1L;
        link(slot, 1);
    }

    /** Returns whether {@code state} is embryonic TCP. */
    public static boolean isEmbryonic(int state) {
        return state == TCP_SYN_SENT || state == TCP_SYN_RECV;
    }

    // Field access by slot.

    public int state(int slot) {
        return (int) (flows[slot * STRIDE + BACKEND_MAC] >>> 48) & 0xFF;
    }

    /** Sets the state; leaving or entering the embryonic states moves the flow out of or into the embryonic count. */
    public void setState(int slot, int state) {
        int f = slot * STRIDE + BACKEND_MAC;
        int old = (int) (flows[f] >>> 48) & 0xFF;
        flows[f] = (flows[f] & ~(0xFFL << 48)) | ((long) state << 48);
        if (isEmbryonic(old) != isEmbryonic(state)) {
            stat(EMBRYONIC, isEmbryonic(state) ? 1 : -1);
        }
    }

    public int flags(int slot) {
        return (int) (flows[slot * STRIDE + BACKEND_MAC] >>> 56) & 0xFF;
    }

    public void addFlags(int slot, int flags) {
        flows[slot * STRIDE + BACKEND_MAC] |= (long) (flags & 0xFF) << 56;
    }

    public int clientIp(int slot) {
        return (int) (flows[slot * STRIDE + CLIENT_VIP] >>> 32);
    }

    public int vip(int slot) {
        return (int) flows[slot * STRIDE + CLIENT_VIP];
    }

    public int vni(int slot) {
        return (int) (flows[slot * STRIDE + TUPLE] >>> 40) & 0xFF_FFFF;
    }

    public int protocol(int slot) {
        return (int) (flows[slot * STRIDE + TUPLE] >>> 32) & 0xFF;
    }

    public int clientPort(int slot) {
        return (int) (flows[slot * STRIDE + TUPLE] >>> 16) & 0xFFFF;
    }

    public int vipPort(int slot) {
        return (int) flows[slot * STRIDE + TUPLE] & 0xFFFF;
    }

    public int backendIp(int slot) {
        return (int) (flows[slot * STRIDE + BACKEND] >>> 32);
    }

    public long backendMac(int slot) {
        return flows[slot * STRIDE + BACKEND_MAC] & MAC_MASK;
    }

    public long clientMac(int slot) {
        return flows[slot * STRIDE + CLIENT_MAC] & MAC_MASK;
    }

    public long vipMac(int slot) {
        return flows[slot * STRIDE + VIP_MAC];
    }

    /** Returns the end (sequence number after the last byte) of what the backend sent, for a RST the client accepts. */
    public int replySeqEnd(int slot) {
        return (int) flows[slot * STRIDE + BACKEND];
    }

    /** Advances the backend's sequence end to {@code end} unless it is behind (modulo 2^32). */
    public void advanceReplySeqEnd(int slot, int end) {
        int f = slot * STRIDE + BACKEND;
        int old = (int) flows[f];
        if (old == 0 || end - old > 0) {
            flows[f] = (flows[f] & 0xFFFF_FFFF_0000_0000L) | (end & 0xFFFF_FFFFL);
        }
    }

    public long expires(int slot) {
        return flows[slot * STRIDE + EXPIRES];
    }

    public void setExpires(int slot, long expires) {
        flows[slot * STRIDE + EXPIRES] = expires;
    }

    /** Returns the caller's cache word (-1 when unset or the backend changed): e.g. a table epoch and a backend index. */
    public long cache(int slot) {
        return flows[slot * STRIDE + CACHE];
    }

    public void setCache(int slot, long cache) {
        flows[slot * STRIDE + CACHE] = cache;
    }

    /** Returns the number of slots. */
    public int capacity() {
        return capacity;
    }

    /** Returns the embryonic budget. */
    public int embryonicBudget() {
        return ring.length;
    }

    /** Returns the flows in the table; any thread. */
    public long size() {
        return (long) STATS.getOpaque(stats, SIZE);
    }

    /** Returns the embryonic TCP flows in the table; any thread. */
    public long embryonic() {
        return (long) STATS.getOpaque(stats, EMBRYONIC);
    }

    /** Returns the embryonic flows evicted to make room for new ones; any thread. */
    public long evictions() {
        return (long) STATS.getOpaque(stats, EVICTIONS);
    }

    /** Returns the flows removed because they expired; any thread. */
    public long expired() {
        return (long) STATS.getOpaque(stats, EXPIRED);
    }

    /** Returns the highest slot number plus one, for callers that walk every flow with {@link #state}. */
    public int slots() {
        return capacity;
    }

    /**
     * Pops up to {@code max} records off the embryonic ring, oldest first, until one names a
     * flow that is still embryonic, and evicts it; returns whether it evicted one.
     */
    private boolean evictOldestEmbryonic(int max) {
        for (int n = 0; n < max && ringCount > 0; n++) {
            long record = ring[ringHead];
            ringHead = ringHead + 1 == ring.length ? 0 : ringHead + 1;
            ringCount--;
            int slot = (int) record;
            int generation = (int) (record >>> 32);
            if (isEmbryonic(state(slot)) && (int) (flows[slot * STRIDE + CLIENT_MAC] >>> 48) == generation) {
                remove(slot);
                stat(EVICTIONS, 1);
                return true;
            }
        }
        return false;
    }

    private long keyA(int slot, int dir) {
        int f = slot * STRIDE;
        if (dir == 0) {
            return flows[f + CLIENT_VIP];
        }
        return (flows[f + BACKEND] & 0xFFFF_FFFF_0000_0000L) | (flows[f + CLIENT_VIP] >>> 32);
    }

    private long keyB(int slot, int dir) {
        long t = flows[slot * STRIDE + TUPLE];
        if (dir == 0) {
            return t;
        }
        // Swap the ports and mark the direction.
        return REPLY | (t & 0xFFFF_FFFF_0000_0000L) | ((t & 0xFFFF) << 16) | ((t >>> 16) & 0xFFFF);
    }

    private void link(int slot, int dir) {
        int h = hash(keyA(slot, dir), keyB(slot, dir));
        int i = h & indexMask;
        while (tags[i] != 0) {
            i = (i + 1) & indexMask;
        }
        index[i] = ((long) h << 32) | (((slot << 1) | dir) + 1);
        tags[i] = tag(h);
    }

    private void unlink(int slot, int dir) {
        int h = hash(keyA(slot, dir), keyB(slot, dir));
        int ref = ((slot << 1) | dir) + 1;
        int i = h & indexMask;
        while ((int) index[i] != ref) {
            i = (i + 1) & indexMask;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & indexMask;
            long e = index[j];
            if (e == 0) {
                break;
            }
            int home = (int) (e >>> 32) & indexMask;
            if (((j - home) & indexMask) >= ((j - hole) & indexMask)) {
                index[hole] = e;
                tags[hole] = tags[j];
                hole = j;
            }
        }
        index[hole] = 0;
        tags[hole] = 0;
    }

    /** Returns the index tag of hash {@code h}: 7 of its bits, never 0 (0 marks an empty entry). */
    private static byte tag(int h) {
        return (byte) ((h >>> 25) | 0x80);
    }

    private static int hash(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L ^ b;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return (int) (z ^ (z >>> 33));
    }

    private void stat(int slot, long delta) {
        STATS.setOpaque(stats, slot, stats[slot] + delta);
    }
}
