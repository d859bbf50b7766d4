package io.swarmnet.vxlan.vtep;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The traffic counters of one overlay network (or of the node, for what belongs to no
 * network): packets and bytes through the VTEP and between local ports, ARP answers, and
 * drops by {@link DropReason}.
 *
 * <p>Written only by the VTEP's event-loop thread, read by anyone (a Prometheus scrape):
 * the writer stores with opaque semantics, so a 64-bit value is never seen torn, and
 * readers load with opaque semantics, seeing each counter's latest or a recent value. No
 * locks, no fences on the packet path. WARNING: only the owning event loop may call the
 * package-private increments.
 */
public final class NetworkCounters {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int RX_PACKETS = 0;
    static final int RX_BYTES = 1;
    static final int TX_PACKETS = 2;
    static final int TX_BYTES = 3;
    static final int LOCAL_PACKETS = 4;
    static final int LOCAL_BYTES = 5;
    static final int ARP_REPLIES = 6;
    private static final int DROPS = 7;

    private final int vni;
    private final long[] slots = new long[DROPS + DropReason.values().length];
    /** The counters of each data-path shard this one sums, or {@code null} when it is written itself. */
    private final NetworkCounters[] parts;

    NetworkCounters(int vni) {
        this(vni, null);
    }

    /** The sum of {@code parts}, one per data-path shard, each written by its shard's loop only. */
    NetworkCounters(int vni, NetworkCounters[] parts) {
        this.vni = vni;
        this.parts = parts;
    }

    /** Returns the VNI counted, or {@link VtepCounters#NODE} for the node-wide counters. */
    public int vni() {
        return vni;
    }

    /** Returns the VXLAN datagrams received from peers and delivered to local ports. */
    public long rxPackets() {
        return read(RX_PACKETS);
    }

    /** Returns the bytes of inner Ethernet frames received from peers and delivered. */
    public long rxBytes() {
        return read(RX_BYTES);
    }

    /** Returns the VXLAN datagrams sent to peers (each segment of a TSO frame counts). */
    public long txPackets() {
        return read(TX_PACKETS);
    }

    /** Returns the bytes of inner Ethernet frames sent to peers. */
    public long txBytes() {
        return read(TX_BYTES);
    }

    /** Returns the frames switched from one local port to another. */
    public long localPackets() {
        return read(LOCAL_PACKETS);
    }

    /** Returns the bytes switched from one local port to another. */
    public long localBytes() {
        return read(LOCAL_BYTES);
    }

    /** Returns the ARP requests the responder answered. */
    public long arpReplies() {
        return read(ARP_REPLIES);
    }

    /** Returns the drops for {@code reason}. */
    public long drops(DropReason reason) {
        return read(DROPS + reason.ordinal());
    }

    /** Returns the drops for every reason. */
    public long totalDrops() {
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            total += drops(reason);
        }
        return total;
    }

    void add(int slot, long n) {
        SLOTS.setOpaque(slots, slot, slots[slot] + n);
    }

    void count(int packetsSlot, long bytes) {
        SLOTS.setOpaque(slots, packetsSlot, slots[packetsSlot] + 1);
        SLOTS.setOpaque(slots, packetsSlot + 1, slots[packetsSlot + 1] + bytes);
    }

    void drop(DropReason reason) {
        int slot = DROPS + reason.ordinal();
        SLOTS.setOpaque(slots, slot, slots[slot] + 1);
    }

    private long read(int slot) {
        if (parts == null) {
            return (long) SLOTS.getOpaque(slots, slot);
        }
        long sum = 0;
        for (NetworkCounters part : parts) {
            sum += part.read(slot);
        }
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NetworkCounters(vni ").append(vni)
                .append(", rx ").append(rxPackets()).append('/').append(rxBytes())
                .append(", tx ").append(txPackets()).append('/').append(txBytes())
                .append(", local ").append(localPackets()).append('/').append(localBytes())
                .append(", arp ").append(arpReplies());
        for (DropReason reason : DropReason.values()) {
            long n = drops(reason);
            if (n != 0) {
                s.append(", ").append(reason).append(' ').append(n);
            }
        }
        return s.append(')').toString();
    }
}
